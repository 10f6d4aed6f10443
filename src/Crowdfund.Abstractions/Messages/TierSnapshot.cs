namespace Crowdfund.Messages;

/// <summary>
/// A tier's counters at one moment, derived from its pledge rows. The tier grain sends whole snapshots, not
/// deltas, so a lost or repeated message never makes the campaign's totals drift: the next one corrects it.
/// </summary>
/// <param name="Sequence">Grows with every change within one activation of the tier; with ActivationId it lets the campaign drop stale snapshots.</param>
/// <param name="RewardsHeld">Rewards held against the limit: reserved plus confirmed quantities.</param>
/// <param name="Remaining">Rewards left for limited tiers; null when unlimited.</param>
/// <param name="ConfirmedUnitsByCountry">Product units of confirmed pledges per country.</param>
/// <param name="ReservedUnitsByCountry">Product units of reserved (not yet confirmed) pledges per country.</param>
/// <param name="ConfirmedMoneyByCurrency">Totals of confirmed pledges per currency, in minor units.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.TierSnapshot")]
public sealed record TierSnapshot(
    [property: Id(0)] string TierId,
    [property: Id(1)] Guid ActivationId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] int RewardsHeld,
    [property: Id(4)] int? Remaining,
    [property: Id(5)] int ConfirmedBackers,
    [property: Id(6)] IReadOnlyDictionary<string, int> ConfirmedUnitsByCountry,
    [property: Id(7)] IReadOnlyDictionary<string, int> ReservedUnitsByCountry,
    [property: Id(8)] IReadOnlyDictionary<string, long> ConfirmedMoneyByCurrency)
{
    public int ConfirmedUnits => ConfirmedUnitsByCountry.Values.Sum();
    public int ReservedUnits => ReservedUnitsByCountry.Values.Sum();
}
