using Crowdfund.Domain;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Grains.Fulfilment;

/// <summary>
/// Turns units counted per tier into what the partner counts by: product SKUs. Tiers sharing a SKU add up, and a
/// tier's units already include its units per reward (a duo pack's two).
/// </summary>
internal static class ForecastFigures
{
    public static UnitCounts Of(IEnumerable<TierDefinition> tiers, IEnumerable<(string TierId, string Country, int Units)> perTier)
    {
        var skus = tiers.ToDictionary(t => t.Id, t => t.ProductSku, StringComparer.Ordinal);
        return UnitCounts.Of(perTier.Select(g => new SkuCountryUnits(
            // A pledge's tier always exists (foreign key); the fallback is the SKU a tier has when none is set.
            skus.TryGetValue(g.TierId, out var sku) ? sku : g.TierId.ToUpperInvariant(), g.Country, g.Units)));
    }
}
