namespace Crowdfund.Domain;

/// <summary>A reward tier as the product team defines it.</summary>
/// <param name="Id">Short stable id within the campaign (lower-case letters, digits, dashes).</param>
/// <param name="Prices">Price of one reward per currency, in minor units.</param>
/// <param name="UnitsPerReward">Product units one reward holds (a duo pack is 2); the threshold counts these.</param>
/// <param name="Limit">How many rewards exist at most (limited editions); null for unlimited.</param>
/// <param name="MaxPerBacker">Most rewards one pledge may hold; null for no limit beyond the global cap.</param>
/// <param name="ShipsTo">Countries this tier ships to.</param>
/// <param name="Shipping">Shipping for one pledge of this tier per destination country, in minor units of that country's currency; launch requires one for every country in <paramref name="ShipsTo"/>.</param>
/// <param name="EstimatedDelivery">Estimated delivery month, "yyyy-MM".</param>
/// <param name="NumberedEdition">Collected rewards get edition numbers 1..N with no gap.</param>
/// <param name="Sku">
/// The manufacturer's product SKU of the units a reward holds (a duo pack holds 2 units of one SKU); the partner's
/// forecasts and orders count by it. Null until set: the tier's id, upper-cased, stands in (<see cref="ProductSku"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("crowdfund.TierDefinition")]
public sealed record TierDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] IReadOnlyDictionary<string, long> Prices,
    [property: Id(4)] int UnitsPerReward,
    [property: Id(5)] int? Limit,
    [property: Id(6)] int? MaxPerBacker,
    [property: Id(7)] IReadOnlyList<string> ShipsTo,
    [property: Id(8)] IReadOnlyDictionary<string, long> Shipping,
    [property: Id(9)] string EstimatedDelivery,
    [property: Id(10)] bool NumberedEdition,
    [property: Id(11)] string? Sku = null)
{
    public const int MaxSkuLength = 40;

    /// <summary>The SKU the partner sees for this tier's units.</summary>
    public string ProductSku => Sku ?? Id.ToUpperInvariant();

    public bool ShipsToCountry(string country) => ShipsTo.Contains(country, StringComparer.OrdinalIgnoreCase);
}
