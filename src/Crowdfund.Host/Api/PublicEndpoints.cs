using System.Security.Cryptography;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Factory;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Api;

/// <summary>What backers call: the campaign priced for their country, and their pledges.</summary>
public static class PublicEndpoints
{
    public static void MapPublic(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Backers").Refuses(Refusal.InternalError, Refusal.Unavailable);
        v1.MapRead("/campaigns/{slug}", GetCampaignAsync).Refuses(Refusal.CampaignNotFound, Refusal.CountryNotOpen);
        v1.MapPost("/campaigns/{slug}/pledges", CreatePledgeAsync).Refuses(Refusal.IdempotencyKeyMissing,
            Refusal.MalformedBody, Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed,
            Refusal.CampaignNotFound, Refusal.TierNotFound, Refusal.CampaignNotLive, Refusal.CountryNotOpen,
            Refusal.NotShippingThere, Refusal.QuantityOutOfRange, Refusal.SoldOut, Refusal.IdempotencyKeyReused,
            Refusal.PledgeRejected, Refusal.Busy);
        v1.MapRead("/pledges/{id:guid}", GetPledgeAsync).Refuses(Refusal.Unauthorized, Refusal.PledgeNotFound);
        v1.MapPatch("/pledges/{id:guid}", ChangePledgeAsync).Refuses(Refusal.Unauthorized, Refusal.MalformedBody,
            Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed, Refusal.PledgeNotFound,
            Refusal.TierNotFound, Refusal.CampaignNotLive, Refusal.CountryNotOpen, Refusal.NotShippingThere,
            Refusal.QuantityOutOfRange, Refusal.SoldOut, Refusal.InvalidPledgeState);
        v1.MapDelete("/pledges/{id:guid}", CancelPledgeAsync).Refuses(Refusal.Unauthorized, Refusal.PledgeNotFound,
            Refusal.CampaignNotLive, Refusal.InvalidPledgeState);
    }

    private static async Task<Results<Ok<CampaignPage>, ProblemHttpResult>> GetCampaignAsync(string slug, string? country,
        GrainReferences grains, StageCache stages)
    {
        if (!Identifiers.IsValid(slug) || await grains.Get<ICampaignGrain>(slug).GetPublicAsync() is not { } campaign)
            return ApiProblems.For(Refusal.CampaignNotFound);
        var definition = campaign.Info.Definition;
        CountrySettings? settings = null;
        if (country is not null && (settings = definition.FindCountry(PledgeInputRules.CountryCode(country) ?? "")) is null)
            return ApiProblems.For(Refusal.CountryNotOpen);
        var tiers = campaign.Info.Tiers.Select(t => new PricedTier(t.Id, t.Name, t.Description, t.UnitsPerReward,
            t.Limit, campaign.RemainingByTier.GetValueOrDefault(t.Id), t.MaxPerBacker,
            settings is not null && t.ShipsToCountry(settings.Country),
            settings is null ? null : Pricing.Quote(t, settings, 1), t.EstimatedDelivery, t.NumberedEdition)).ToList();
        return TypedResults.Ok(new CampaignPage(definition.Slug, definition.Title, definition.Product, campaign.Info.Status,
            definition.Deadline, settings?.Country, settings?.Currency, campaign.Progress, tiers, await stages.GetAsync(slug)));
    }

    private static async Task<Results<Created<PledgeResponse>, ProblemHttpResult>> CreatePledgeAsync(string slug,
        HttpRequest request, ReservationBatcher tiers, PledgeTokens tokens)
    {
        var (read, problem) = await NewPledgeRequest.ReadAsync(request);
        if (read is null) return problem!;
        var input = read.Input;
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);

        // Each attempt gets a fresh id; a retry with the same key still writes nothing, because the key is unique
        // per campaign in the pledges table, and the tier answers with the first row.
        var pledgeId = Guid.CreateVersion7();
        var token = tokens.Issue(pledgeId);
        var reserve = new ReserveRequest(pledgeId, input.Country, input.Quantity, input.BackerName, input.BackerEmail,
            input.Address, PledgeTokens.Hash(token), read.IdempotencyKey, SHA256.HashData(read.Body), input.Locale);
        var result = await tiers.ReserveAsync(TierKey.Format(slug, input.TierId), reserve);
        if (result.Pledge is not { } pledge) return ApiProblems.For(result.Refusal);
        var response = PledgeResponse.From(pledge, pledge.Id == pledgeId ? token : tokens.Issue(pledge.Id));
        if (result.Replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Created($"/v1/pledges/{pledge.Id}", response);
    }

    /// <summary>
    /// The pledge as its grain holds it, with what came back from the factory: the campaign's stages and the pledge's
    /// order. Those are read here, not by the grain, because the partner's posts write them straight to their tables.
    /// </summary>
    private static async Task<Results<Ok<PledgeResponse>, ProblemHttpResult>> GetPledgeAsync(Guid id, HttpRequest request,
        IGrainFactory grains, StageCache stages, ShipmentStore shipments)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var result = await grains.GetGrain<IPledgeGrain>(id).GetAsync(PledgeTokens.Hash(token));
        if (result.Pledge is not { } pledge) return ApiProblems.For(result.Refusal);
        return TypedResults.Ok(PledgeResponse.From(pledge) with
        {
            Timeline = await stages.GetAsync(pledge.CampaignId),
            Order = MayHaveOrder(pledge.Status) ? await shipments.TrackingAsync(pledge.Id) : null,
        });
    }

    /// <summary>
    /// Orders are made of collected pledges only (some refunded or disputed since): the pledges backers poll during a
    /// rush never cost a database read for one.
    /// </summary>
    internal static bool MayHaveOrder(PledgeStatus status) =>
        status is PledgeStatus.Collected or PledgeStatus.PartiallyRefunded or PledgeStatus.Refunded or PledgeStatus.Disputed;

    private static async Task<Results<Ok<PledgeResponse>, ProblemHttpResult>> ChangePledgeAsync(Guid id, HttpRequest request,
        IGrainFactory grains)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var body = await JsonBody.ReadAsync<PledgeChangeBody>(request);
        if (body.Problem is not null) return body.Problem;
        var change = body.Value!;
        var problems = new ProblemList();
        problems.Check(change.TierId is not null || change.Quantity is not null, "", "required",
            "Send the tierId, the quantity, or both.");
        problems.Check(change.TierId is null || Identifiers.IsValid(change.TierId), "tierId", "id_invalid", "The tier id is not valid.");
        problems.Check(change.Quantity is null or >= 1 and <= Limits.MaxQuantityPerPledge, "quantity", "out_of_range",
            $"The quantity is between 1 and {Limits.MaxQuantityPerPledge}.");
        if (problems.Items.Count > 0) return ApiProblems.Validation(problems.Items);
        var pledge = grains.GetGrain<IPledgeGrain>(id);
        var hash = PledgeTokens.Hash(token);
        if (await pledge.GetAsync(hash) is not { Pledge: { } current }) return ApiProblems.For(Refusal.PledgeNotFound);
        return Answer(await pledge.ChangeAsync(hash, change.TierId ?? current.TierId, change.Quantity ?? current.Quantity));
    }

    private static async Task<Results<Ok<PledgeResponse>, ProblemHttpResult>> CancelPledgeAsync(Guid id, HttpRequest request,
        IGrainFactory grains) =>
        PledgeTokens.FromHeader(request) is not { } token
            ? ApiProblems.For(Refusal.Unauthorized)
            : Answer(await grains.GetGrain<IPledgeGrain>(id).CancelAsync(PledgeTokens.Hash(token)));

    internal static Results<Ok<PledgeResponse>, ProblemHttpResult> Answer(PledgeResult result) =>
        result.Pledge is { } pledge ? TypedResults.Ok(PledgeResponse.From(pledge)) : ApiProblems.For(result.Refusal);
}
