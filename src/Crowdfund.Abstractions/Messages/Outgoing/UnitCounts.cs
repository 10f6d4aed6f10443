namespace Crowdfund.Messages.Outgoing;

/// <summary>Product units of one group of pledges: one product SKU to one destination country.</summary>
public readonly record struct SkuCountryUnits(string Sku, string Country, int Units);

/// <summary>
/// Product units as the partner plans with them: the total, per product SKU, per destination country, and per SKU and
/// country (the matrix the other two sum). A duo pack counts its two units. Only counts, never a backer.
/// </summary>
/// <param name="BySkuAndCountry">Units per SKU, then per country (ISO 3166-1 alpha-2); no zero entries.</param>
public sealed record UnitCounts(
    int Units,
    IReadOnlyDictionary<string, int> BySku,
    IReadOnlyDictionary<string, int> ByCountry,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> BySkuAndCountry)
{
    public static UnitCounts Empty { get; } = Of([]);

    /// <summary>
    /// The counts of these groups (several may name the same SKU and country: tiers that share a SKU). Keys are in
    /// ordinal order, so that the same figures always serialize to the same JSON.
    /// </summary>
    public static UnitCounts Of(IEnumerable<SkuCountryUnits> groups)
    {
        var cells = new Dictionary<(string Sku, string Country), int>();
        foreach (var (sku, country, units) in groups) cells[(sku, country)] = cells.GetValueOrDefault((sku, country)) + units;
        var matrix = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        var bySku = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byCountry = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var ((sku, country), units) in cells.Where(c => c.Value != 0))
        {
            if (!matrix.TryGetValue(sku, out var countries))
                matrix[sku] = countries = new SortedDictionary<string, int>(StringComparer.Ordinal);
            countries[country] = units;
            bySku[sku] = bySku.GetValueOrDefault(sku) + units;
            byCountry[country] = byCountry.GetValueOrDefault(country) + units;
        }
        var sortedMatrix = new SortedDictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (sku, countries) in matrix) sortedMatrix[sku] = countries;
        return new UnitCounts(bySku.Values.Sum(), bySku, byCountry, sortedMatrix);
    }

    /// <summary>True when both say the same units for every SKU and country (the totals follow from the matrix).</summary>
    public bool SameFiguresAs(UnitCounts other) =>
        BySkuAndCountry.Count == other.BySkuAndCountry.Count
        && BySkuAndCountry.All(sku => other.BySkuAndCountry.TryGetValue(sku.Key, out var countries)
                                      && sku.Value.Count == countries.Count
                                      && sku.Value.All(c => countries.TryGetValue(c.Key, out var units) && units == c.Value));
}
