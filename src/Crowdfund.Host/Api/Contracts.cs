using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Messages;

namespace Crowdfund.Host.Api;

// The wire format of the API. Request fields are nullable so that a missing field is a named validation error,
// not a deserialisation failure.

public sealed record BackerBody(string? Name, string? Email);

public sealed record AddressBody(string? Line1, string? Line2, string? City, string? Region, string? PostalCode);

/// <param name="Locale">The backer's language ("fr", "de-DE"...): messages are written in it when Crowdfund speaks it,
/// otherwise in the country's language.</param>
public sealed record NewPledgeBody(string? TierId, int? Quantity, string? Country, BackerBody? Backer, AddressBody? ShippingAddress,
    string? Locale = null);

public sealed record PledgeChangeBody(string? TierId, int? Quantity);

/// <param name="Timeline">The campaign's production stages in date order, as the factory reports them; read views only.</param>
/// <param name="Order">The order made from the pledge and its shipment, once the orders are made; read views only.</param>
public sealed record PledgeResponse(
    Guid Id, string? Token, string CampaignId, string TierId, string Country, int Quantity, int Units,
    PledgeStatus Status, AmountLines Amounts, DateTimeOffset CreatedAt, DateTimeOffset? HoldExpiresAt,
    DateTimeOffset? ConfirmedAt, IReadOnlyList<ProductionStage>? Timeline = null, OrderTracking? Order = null)
{
    public static PledgeResponse From(PledgeView p, string? token = null) => new(p.Id, token, p.CampaignId, p.TierId,
        p.Country, p.Quantity, p.Units, p.Status, p.Amounts, p.CreatedAt, p.HoldExpiresAt, p.ConfirmedAt);
}

public sealed record CountryBody(string? Country, string? Currency, int? TaxRateBasisPoints, bool? PricesIncludeTax);

public sealed record CampaignBody(
    string? Slug, string? Title, string? Product, int? GoalUnits, DateTimeOffset? Deadline,
    IReadOnlyList<CountryBody?>? Countries, IReadOnlyList<int>? MilestonePercents)
{
    /// <summary>Fields a campaign cannot do without; there is no default goal or deadline to fall back on.</summary>
    public IReadOnlyList<Problem> Missing()
    {
        var problems = new ProblemList();
        problems.Check(GoalUnits is not null, "goalUnits", "required", "The goal, in product units, is required.");
        problems.Check(Deadline is not null, "deadline", "required", "The deadline is required.");
        return problems.Items;
    }

    public CampaignDefinition ToDefinition(string slug) => new(
        slug, Title ?? "", Product ?? "", GoalUnits ?? 0, Deadline ?? default,
        (Countries ?? []).Select(c => new CountrySettings(c?.Country?.ToUpperInvariant() ?? "",
            c?.Currency?.ToUpperInvariant() ?? "", c?.TaxRateBasisPoints ?? 0, c?.PricesIncludeTax ?? false)).ToList(),
        MilestonePercents ?? CampaignDefinition.DefaultMilestones);
}

public sealed record TierBody(
    string? Name, string? Description, IReadOnlyDictionary<string, long>? Prices, int? UnitsPerReward, int? Limit,
    int? MaxPerBacker, IReadOnlyList<string?>? ShipsTo, IReadOnlyDictionary<string, long>? Shipping,
    string? EstimatedDelivery, bool? NumberedEdition, string? Sku = null)
{
    // Codes are upper-cased for convenience ("eur" is EUR); Problems() refuses two keys that differ only in case, which
    // would otherwise overwrite each other silently.
    public TierDefinition ToDefinition(string id) => new(
        id, Name ?? "", Description ?? "",
        Upper(Prices), UnitsPerReward ?? 1, Limit, MaxPerBacker,
        (ShipsTo ?? []).Select(c => c?.ToUpperInvariant() ?? "").ToList(),
        Upper(Shipping), EstimatedDelivery ?? "", NumberedEdition ?? false, Sku);

    public IReadOnlyList<Problem> Problems()
    {
        var problems = new ProblemList();
        foreach (var (field, amounts) in new[] { ("prices", Prices), ("shipping", Shipping) })
        {
            foreach (var repeated in (amounts?.Keys ?? []).GroupBy(k => k.ToUpperInvariant()).Where(g => g.Count() > 1))
                problems.Add($"{field}.{repeated.Key}", "duplicate", $"{repeated.Key} is given more than once.");
        }
        return problems.Items;
    }

    private static Dictionary<string, long> Upper(IReadOnlyDictionary<string, long>? amounts) =>
        (amounts ?? new Dictionary<string, long>()).GroupBy(p => p.Key.ToUpperInvariant())
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
}

/// <summary>A tier as shown to a backer in one country.</summary>
public sealed record PricedTier(
    string Id, string Name, string Description, int UnitsPerReward, int? Limit, int? Remaining, int? MaxPerBacker,
    bool ShipsHere, AmountLines? PriceForOne, string EstimatedDelivery, bool NumberedEdition);

/// <param name="Stages">Where production stands, as the factory reports it, in date order.</param>
public sealed record CampaignPage(
    string Slug, string Title, string Product, CampaignStatus Status, DateTimeOffset Deadline, string? Country,
    string? Currency, Progress Progress, IReadOnlyList<PricedTier> Tiers, IReadOnlyList<ProductionStage>? Stages = null);
