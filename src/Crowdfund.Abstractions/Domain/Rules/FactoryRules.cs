using System.Globalization;
using System.Text.RegularExpressions;

namespace Crowdfund.Domain.Rules;

/// <summary>
/// The production stages a partner reports, in the order a factory goes through them. The order breaks ties between
/// stages of the same day on the backer's timeline. Besides the five the issue names, <c>certification</c> (a cordless
/// phone needs its radio approved, CE and FCC, before it may be sold) and <c>packing</c> (boxing and labelling, often
/// days between the last check and the truck) are steps backers ask about.
/// </summary>
public static class ProductionStages
{
    private static readonly string[] InOrder =
        ["tooling", "certification", "pre-series", "mass-production", "quality-check", "packing", "left-factory"];

    public static IReadOnlyList<string> All => InOrder;

    public static bool IsKnown(string? stage) => stage is not null && Array.IndexOf(InOrder, stage) >= 0;

    /// <summary>Where a stage sorts among those of the same day.</summary>
    public static int Rank(string stage) => Array.IndexOf(InOrder, stage) is var i and >= 0 ? i : InOrder.Length;
}

/// <summary>
/// An order's reference as the factory gives it back with a shipment: "CF-" and the order's number, zero-padded to seven
/// digits (more once past 9,999,999), as the batches print it.
/// </summary>
public static partial class OrderReferences
{
    /// <summary>The order's number, or null when <paramref name="reference"/> is not a reference.</summary>
    public static long? Parse(string? reference) =>
        reference is not null && Shape().Match(reference.Trim()) is { Success: true } match
        && long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : null;

    [GeneratedRegex(@"\ACF-([0-9]{7,18})\z", RegexOptions.IgnoreCase)]
    private static partial Regex Shape();
}

/// <summary>
/// A carrier's tracking number: letters, digits and inner dashes, as carriers print them (spaces, which some add for
/// reading, are dropped). Stored in upper case so that the same number typed twice is the same shipment.
/// </summary>
public static partial class TrackingNumbers
{
    public const int MaxLength = 40;

    public static string? Normalize(string? value)
    {
        if (value is null) return null;
        var compact = value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return Shape().IsMatch(compact) ? compact : null;
    }

    [GeneratedRegex(@"\A[A-Z0-9](?:[A-Z0-9-]{2,38}[A-Z0-9])\z")]
    private static partial Regex Shape();
}
