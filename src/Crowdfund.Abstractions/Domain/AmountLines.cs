namespace Crowdfund.Domain;

/// <summary>What a pledge costs, line by line, in minor units of one currency.</summary>
/// <param name="Tax">The tax part: included in Subtotal and Shipping where the country's prices include tax, added on top otherwise.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.AmountLines")]
public sealed record AmountLines(
    [property: Id(0)] string Currency,
    [property: Id(1)] long Subtotal,
    [property: Id(2)] long Shipping,
    [property: Id(3)] long Tax,
    [property: Id(4)] long Total);
