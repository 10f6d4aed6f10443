using System.Security.Cryptography;
using System.Text;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Hosting;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>What the product team calls, with the team API key as bearer token.</summary>
public static class TeamEndpoints
{
    public static void MapTeam(this IEndpointRouteBuilder app)
    {
        var root = app.MapGroup("/team/v1").AddEndpointFilter(RequireTeamKey);
        root.MapPost("/pledges/{id:guid}/confirm", ConfirmAsync);
        var team = root.MapGroup("/campaigns");
        team.MapPost("", CreateAsync);
        team.MapGet("/{slug}", GetAsync);
        team.MapPut("/{slug}", UpdateAsync);
        team.MapPut("/{slug}/tiers/{tierId}", PutTierAsync);
        team.MapDelete("/{slug}/tiers/{tierId}", RemoveTierAsync);
        team.MapGet("/{slug}/tiers/{tierId}", GetTierAsync);
        team.MapGet("/{slug}/tiers/{tierId}/editions", async (string slug, string tierId, EditionStore editions) =>
            Results.Ok(await editions.ReadAsync(slug, tierId)));
        team.MapPost("/{slug}/launch", (string slug, IGrainFactory grains) => Command(slug, grains, c => c.LaunchAsync()));
        team.MapGet("/{slug}/dashboard", GetDashboardAsync);
    }

    private static async ValueTask<object?> RequireTeamKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<EdgeSettings>>().Value.TeamApiKey;
        var given = PledgeTokens.FromHeader(context.HttpContext.Request);
        // Compare hashes in constant time, so neither the length nor a matching prefix shows in the timing.
        if (string.IsNullOrEmpty(expected) || given is null
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
                SHA256.HashData(Encoding.UTF8.GetBytes(given))))
            return ApiProblems.Unauthorized();
        return await next(context);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CampaignBody>(request);
        if (body.Problem is not null) return body.Problem;
        var slug = body.Value!.Slug ?? "";
        if (!Identifiers.IsValid(slug))
            return ApiProblems.Validation([new Problem("slug", "slug_invalid", "The slug uses lower-case letters, digits and inner dashes.")]);
        var result = await grains.GetGrain<ICampaignGrain>(slug).CreateAsync(body.Value.ToDefinition(slug));
        return result.Campaign is { } created
            ? Results.Created($"/team/v1/campaigns/{slug}", created)
            : ApiProblems.ForCampaign(result.Error!, result.Problems);
    }

    private static async Task<IResult> GetAsync(string slug, IGrainFactory grains) =>
        Identifiers.IsValid(slug) && await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is { } info
            ? Results.Ok(info)
            : ApiProblems.For(Refusal.CampaignNotFound);

    private static async Task<IResult> UpdateAsync(string slug, HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CampaignBody>(request);
        if (body.Problem is not null) return body.Problem;
        return await Command(slug, grains, c => c.UpdateAsync(body.Value!.ToDefinition(slug)));
    }

    private static async Task<IResult> PutTierAsync(string slug, string tierId, HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<TierBody>(request);
        if (body.Problem is not null) return body.Problem;
        return await Command(slug, grains, c => c.PutTierAsync(body.Value!.ToDefinition(tierId)));
    }

    private static Task<IResult> RemoveTierAsync(string slug, string tierId, IGrainFactory grains) =>
        Command(slug, grains, c => c.RemoveTierAsync(tierId));

    private static async Task<IResult> GetTierAsync(string slug, string tierId, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(slug) || !Identifiers.IsValid(tierId)
            || await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is not { } info)
            return ApiProblems.For(Refusal.CampaignNotFound);
        if (info.Tiers.All(t => t.Id != tierId)) return ApiProblems.For(Refusal.TierNotFound);
        return Results.Ok(await grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, tierId)).GetSnapshotAsync());
    }

    private static async Task<IResult> GetDashboardAsync(string slug, DashboardCache cache) =>
        Identifiers.IsValid(slug) && await cache.GetAsync(slug) is { } json
            ? Results.Bytes(json, "application/json")
            : ApiProblems.For(Refusal.CampaignNotFound);

    /// <summary>The payment layer's confirmation, by hand; off unless Crowdfund:ManualConfirmation is true.</summary>
    private static async Task<IResult> ConfirmAsync(Guid id, IGrainFactory grains, IOptions<EdgeSettings> settings) =>
        settings.Value.ManualConfirmation
            ? PublicEndpoints.Answer(await grains.GetGrain<IPledgeGrain>(id).ConfirmAsync())
            : ApiProblems.Of(404, "not-found", "Manual confirmation is off on this instance.");

    private static async Task<IResult> Command(string slug, IGrainFactory grains, Func<ICampaignGrain, Task<CampaignCommandResult>> command)
    {
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);
        var result = await command(grains.GetGrain<ICampaignGrain>(slug));
        return result.Campaign is { } campaign ? Results.Ok(campaign) : ApiProblems.ForCampaign(result.Error!, result.Problems);
    }
}
