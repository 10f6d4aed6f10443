using System.Security.Cryptography;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Messages;

namespace Crowdfund.Host.Api;

/// <summary>What backers call: the campaign priced for their country, and their pledges.</summary>
public static class PublicEndpoints
{
    public const int MaxIdempotencyKeyLength = 255;

    public static void MapPublic(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/campaigns/{slug}", GetCampaignAsync);
        v1.MapPost("/campaigns/{slug}/pledges", CreatePledgeAsync);
        v1.MapGet("/pledges/{id:guid}", GetPledgeAsync);
        v1.MapPatch("/pledges/{id:guid}", ChangePledgeAsync);
        v1.MapDelete("/pledges/{id:guid}", CancelPledgeAsync);
    }

    private static async Task<IResult> GetCampaignAsync(string slug, string? country, GrainReferences grains)
    {
        if (!Identifiers.IsValid(slug) || await grains.Get<ICampaignGrain>(slug).GetPublicAsync() is not { } campaign)
            return ApiProblems.For(Refusal.CampaignNotFound);
        var definition = campaign.Info.Definition;
        CountrySettings? settings = null;
        if (country is not null && (settings = definition.FindCountry(country)) is null)
            return ApiProblems.For(Refusal.CountryNotOpen);
        var tiers = campaign.Info.Tiers.Select(t => new PricedTier(t.Id, t.Name, t.Description, t.UnitsPerReward,
            t.Limit, campaign.RemainingByTier.GetValueOrDefault(t.Id), t.MaxPerBacker,
            settings is not null && t.ShipsToCountry(settings.Country),
            settings is null ? null : Pricing.Quote(t, settings, 1), t.EstimatedDelivery, t.NumberedEdition)).ToList();
        return Results.Ok(new CampaignPage(definition.Slug, definition.Title, definition.Product, campaign.Info.Status,
            definition.Deadline, settings?.Country, settings?.Currency, campaign.Progress, tiers));
    }

    private static async Task<IResult> CreatePledgeAsync(string slug, HttpRequest request, ReservationBatcher tiers,
        PledgeTokens tokens)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length is 0 or > MaxIdempotencyKeyLength)
            return ApiProblems.Of(400, "idempotency-key-missing",
                $"Send an Idempotency-Key header of 1 to {MaxIdempotencyKeyLength} characters.");
        var body = await JsonBody.ReadAsync<NewPledgeBody>(request);
        if (body.Problem is not null) return body.Problem;
        var input = body.Value!;

        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(input.TierId), "tierId", "required", "The tier id is required.");
        problems.Check(input.Quantity is > 0, "quantity", "out_of_range", "The quantity is at least 1.");
        var country = input.Country?.ToUpperInvariant() ?? "";
        problems.Check(country.Length == 2, "country", "required", "The country is a two-letter code.");
        foreach (var p in PledgeInputRules.Validate(country, input.Backer?.Name, input.Backer?.Email,
                     input.ShippingAddress?.Line1, input.ShippingAddress?.City, input.ShippingAddress?.PostalCode))
            problems.Add(p.Field, p.Code, p.Message);
        if (problems.Items.Count > 0) return ApiProblems.Validation(problems.Items);
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);

        // Each attempt gets a fresh id; a retry with the same key still writes nothing, because the key is unique
        // per campaign in the pledges table, and the tier answers with the first row.
        var pledgeId = Guid.CreateVersion7();
        var token = tokens.Issue(pledgeId);
        var address = input.ShippingAddress!;
        var reserve = new ReserveRequest(pledgeId, country, input.Quantity!.Value, input.Backer!.Name!.Trim(),
            input.Backer.Email!.Trim(), new ShippingAddress(address.Line1!.Trim(), address.Line2?.Trim(),
                address.City!.Trim(), address.Region?.Trim(), address.PostalCode!.Trim().ToUpperInvariant()),
            PledgeTokens.Hash(token), key, SHA256.HashData(body.Raw));
        var result = await tiers.ReserveAsync(TierKey.Format(slug, input.TierId!), reserve);
        if (result.Pledge is not { } pledge) return ApiProblems.For(result.Refusal);
        var response = PledgeResponse.From(pledge, pledge.Id == pledgeId ? token : tokens.Issue(pledge.Id));
        if (result.Replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return Results.Created($"/v1/pledges/{pledge.Id}", response);
    }

    private static async Task<IResult> GetPledgeAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        PledgeTokens.FromHeader(request) is not { } token
            ? ApiProblems.Unauthorized()
            : Answer(await grains.GetGrain<IPledgeGrain>(id).GetAsync(PledgeTokens.Hash(token)));

    private static async Task<IResult> ChangePledgeAsync(Guid id, HttpRequest request, IGrainFactory grains)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.Unauthorized();
        var body = await JsonBody.ReadAsync<PledgeChangeBody>(request);
        if (body.Problem is not null) return body.Problem;
        var change = body.Value!;
        var pledge = grains.GetGrain<IPledgeGrain>(id);
        var hash = PledgeTokens.Hash(token);
        if (await pledge.GetAsync(hash) is not { Pledge: { } current }) return ApiProblems.For(Refusal.PledgeNotFound);
        var tierId = change.TierId ?? current.TierId;
        var quantity = change.Quantity ?? current.Quantity;
        if (!Identifiers.IsValid(tierId))
            return ApiProblems.Validation([new Problem("tierId", "id_invalid", "The tier id is not valid.")]);
        return Answer(await pledge.ChangeAsync(hash, tierId, quantity));
    }

    private static async Task<IResult> CancelPledgeAsync(Guid id, HttpRequest request, IGrainFactory grains) =>
        PledgeTokens.FromHeader(request) is not { } token
            ? ApiProblems.Unauthorized()
            : Answer(await grains.GetGrain<IPledgeGrain>(id).CancelAsync(PledgeTokens.Hash(token)));

    internal static IResult Answer(PledgeResult result) =>
        result.Pledge is { } pledge ? Results.Ok(PledgeResponse.From(pledge)) : ApiProblems.For(result.Refusal);
}
