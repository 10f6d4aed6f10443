namespace Crowdfund.Domain;

/// <summary>One thing wrong with an input, named so that a client can show it next to the field.</summary>
/// <param name="Field">The JSON path of the field ("tiers[1].prices.CAD"), or "" for the whole input.</param>
/// <param name="Code">Stable machine-readable code ("postal_code_invalid").</param>
/// <param name="Message">Human-readable sentence.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.Problem")]
public sealed record Problem(
    [property: Id(0)] string Field,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message);
