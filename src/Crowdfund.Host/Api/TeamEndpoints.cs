using System.Security.Cryptography;
using System.Text;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Grains.Tiers;
using Crowdfund.Host.Hosting;
using Crowdfund.Host.Payments;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>What the product team calls, with the team API key as bearer token.</summary>
public static class TeamEndpoints
{
    private static readonly Refusal[] DraftCommand =
        [Refusal.MalformedBody, Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed,
         Refusal.CampaignNotFound, Refusal.CampaignNotDraft];

    public static void MapTeam(this IEndpointRouteBuilder app)
    {
        var team = app.MapTeamGroup().MapGroup("/campaigns");
        team.MapPost("", CreateAsync).Refuses([.. DraftCommand, Refusal.CampaignExists]);
        team.MapRead("/{slug}", GetAsync).Refuses(Refusal.CampaignNotFound);
        team.MapPut("/{slug}", UpdateAsync).Refuses(DraftCommand);
        team.MapPut("/{slug}/tiers/{tierId}", PutTierAsync).Refuses(DraftCommand);
        team.MapDelete("/{slug}/tiers/{tierId}", RemoveTierAsync).Refuses(Refusal.CampaignNotFound, Refusal.CampaignNotDraft,
            Refusal.TierNotFound);
        team.MapRead("/{slug}/tiers/{tierId}", GetTierAsync).Refuses(Refusal.CampaignNotFound, Refusal.TierNotFound);
        team.MapRead("/{slug}/tiers/{tierId}/editions", GetEditionsAsync).Refuses(Refusal.CampaignNotFound, Refusal.TierNotFound);
        team.MapPost("/{slug}/launch", LaunchAsync).Refuses(Refusal.CampaignNotFound, Refusal.CampaignNotDraft, Refusal.LaunchBlocked);
        team.MapRead("/{slug}/dashboard", GetDashboardAsync).Produces<Dashboard>(200, "application/json")
            .Refuses(Refusal.CampaignNotFound);
        team.MapReconciliation();
    }

    /// <summary>The team API's root: every route under it asks for the team key.</summary>
    public static RouteGroupBuilder MapTeamGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/team/v1").WithTags("Team").AddEndpointFilter(RequireTeamKey)
            .Refuses(Refusal.Unauthorized, Refusal.InternalError, Refusal.Unavailable);

    private static async ValueTask<object?> RequireTeamKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<EdgeSettings>>().Value.TeamApiKey;
        if (!IsTeamKey(expected, PledgeTokens.FromHeader(context.HttpContext.Request))) return ApiProblems.For(Refusal.Unauthorized);
        return await next(context);
    }

    /// <summary>Whether <paramref name="given"/> is the team key (the API's bearer token, the dashboard's sign-in form).</summary>
    internal static bool IsTeamKey(string expected, string? given) =>
        // Compare hashes in constant time, so neither the length nor a matching prefix shows in the timing.
        given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    private static async Task<Results<Created<CampaignInfo>, ProblemHttpResult>> CreateAsync(HttpRequest request,
        IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CampaignBody>(request);
        if (body.Problem is not null) return body.Problem;
        var slug = body.Value!.Slug ?? "";
        if (!Identifiers.IsValid(slug))
            return ApiProblems.Validation([new Problem("slug", "slug_invalid", "The slug uses lower-case letters, digits and inner dashes.")]);
        if (body.Value.Missing() is { Count: > 0 } missing) return ApiProblems.Validation(missing);
        var result = await grains.GetGrain<ICampaignGrain>(slug).CreateAsync(body.Value.ToDefinition(slug));
        return result.Campaign is { } created
            ? TypedResults.Created($"/team/v1/campaigns/{slug}", created)
            : ApiProblems.For(result.Refusal, result.Problems);
    }

    private static async Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> GetAsync(string slug, IGrainFactory grains) =>
        Identifiers.IsValid(slug) && await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is { } info
            ? TypedResults.Ok(info)
            : ApiProblems.For(Refusal.CampaignNotFound);

    private static async Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> UpdateAsync(string slug, HttpRequest request,
        IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CampaignBody>(request);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!.Missing() is { Count: > 0 } missing) return ApiProblems.Validation(missing);
        return await CommandAsync(slug, grains, c => c.UpdateAsync(body.Value.ToDefinition(slug)));
    }

    private static async Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> PutTierAsync(string slug, string tierId,
        HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<TierBody>(request);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!.Problems() is { Count: > 0 } problems) return ApiProblems.Validation(problems);
        return await CommandAsync(slug, grains, c => c.PutTierAsync(body.Value.ToDefinition(tierId)));
    }

    private static Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> RemoveTierAsync(string slug, string tierId,
        IGrainFactory grains) =>
        CommandAsync(slug, grains, c => c.RemoveTierAsync(tierId));

    private static Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> LaunchAsync(string slug, IGrainFactory grains) =>
        CommandAsync(slug, grains, c => c.LaunchAsync());

    private static async Task<Results<Ok<TierSnapshot>, ProblemHttpResult>> GetTierAsync(string slug, string tierId,
        IGrainFactory grains)
    {
        if (await FindTierAsync(slug, tierId, grains) is { } refusal) return ApiProblems.For(refusal);
        return TypedResults.Ok(await grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, tierId)).GetSnapshotAsync());
    }

    private static async Task<Results<Ok<IReadOnlyList<EditionRange>>, ProblemHttpResult>> GetEditionsAsync(string slug,
        string tierId, IGrainFactory grains, IEditionStore editions)
    {
        if (await FindTierAsync(slug, tierId, grains) is { } refusal) return ApiProblems.For(refusal);
        return TypedResults.Ok(await editions.ReadAsync(slug, tierId));
    }

    private static async Task<IResult> GetDashboardAsync(string slug, DashboardCache cache) =>
        Identifiers.IsValid(slug) && await cache.GetAsync(slug) is { } json
            ? TypedResults.Bytes(json, "application/json")
            : ApiProblems.For(Refusal.CampaignNotFound);

    private static async Task<Refusal?> FindTierAsync(string slug, string tierId, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(slug) || await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is not { } info)
            return Refusal.CampaignNotFound;
        return info.Tiers.Any(t => t.Id == tierId) ? null : Refusal.TierNotFound;
    }

    private static async Task<Results<Ok<CampaignInfo>, ProblemHttpResult>> CommandAsync(string slug, IGrainFactory grains,
        Func<ICampaignGrain, Task<CampaignCommandResult>> command)
    {
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);
        var result = await command(grains.GetGrain<ICampaignGrain>(slug));
        return result.Campaign is { } campaign ? TypedResults.Ok(campaign) : ApiProblems.For(result.Refusal, result.Problems);
    }
}
