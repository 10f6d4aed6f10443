using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Fulfilment;

public sealed record AddressLockBody(DateTimeOffset? At);

/// <summary>
/// The handoff after collection: the team sets when addresses lock and watches batches and the pipeline per
/// country; until the lock, a backer corrects the shipping address of a pledge.
/// </summary>
public static class FulfilmentEndpoints
{
    private static readonly Refusal[] Body =
        [Refusal.MalformedBody, Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed];

    public static void MapFulfilment(this IEndpointRouteBuilder app)
    {
        var team = app.MapTeamGroup();
        team.MapRead("/campaigns/{slug}/fulfilment", GetAsync).Refuses(Refusal.CampaignNotFound);
        team.MapPut("/campaigns/{slug}/fulfilment/address-lock", SetLockAsync)
            .Refuses([.. Body, Refusal.CampaignNotFound, Refusal.FulfilmentNotReady, Refusal.AddressLocked]);
        app.MapGroup("/v1/pledges").WithTags("Backers").MapPut("/{id:guid}/address", CorrectAddressAsync)
            .Refuses([.. Body, Refusal.Unauthorized, Refusal.PledgeNotFound, Refusal.InvalidPledgeState, Refusal.AddressLocked,
                Refusal.InternalError, Refusal.Unavailable]);
    }

    private static async Task<Results<Ok<FulfilmentView>, ProblemHttpResult>> GetAsync(string slug, IGrainFactory grains) =>
        Identifiers.IsValid(slug) ? Answer(await grains.GetGrain<IFulfilmentGrain>(slug).GetAsync())
            : ApiProblems.For(Refusal.CampaignNotFound);

    private static async Task<Results<Ok<FulfilmentView>, ProblemHttpResult>> SetLockAsync(string slug, HttpRequest request,
        IGrainFactory grains)
    {
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);
        var body = await JsonBody.ReadAsync<AddressLockBody>(request);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!.At is not { } at)
            return ApiProblems.Validation([new Problem("at", "required", "at is the moment addresses lock (ISO 8601).")]);
        return Answer(await grains.GetGrain<IFulfilmentGrain>(slug).SetAddressLockAsync(at));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CorrectAddressAsync(Guid id, HttpRequest request,
        AddressStore addresses, [FromKeyedServices(Grains.DomainClock.Key)] TimeProvider clock)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var body = await JsonBody.ReadAsync<AddressBody>(request);
        if (body.Problem is not null) return body.Problem;
        var hash = PledgeTokens.Hash(token);
        if (await addresses.CountryAsync(id, hash) is not { } country) return ApiProblems.For(Refusal.PledgeNotFound);
        var problems = new ProblemList();
        var given = body.Value!;
        var address = PledgeInputRules.CheckAddress(country, given.Line1, given.Line2, given.City, given.Region, given.PostalCode, problems);
        if (problems.Items.Count > 0) return ApiProblems.Validation(problems.Items);
        var refusal = await addresses.CorrectAsync(id, hash, address, clock.GetUtcNow());
        return refusal == Refusal.None ? TypedResults.NoContent() : ApiProblems.For(refusal);
    }

    private static Results<Ok<FulfilmentView>, ProblemHttpResult> Answer(FulfilmentResult result) =>
        result.Fulfilment is { } view ? TypedResults.Ok(view) : ApiProblems.For(result.Refusal);
}
