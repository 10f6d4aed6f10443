using Crowdfund.Messages;

namespace Crowdfund.Grains.Campaigns;

/// <summary>
/// The campaign's totals, as the sum of its tiers' latest snapshots. Whole snapshots replace each other, so a
/// lost or repeated report never makes a total drift.
/// </summary>
internal sealed class CampaignFigures
{
    private readonly Dictionary<string, TierSnapshot> tiers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TierSnapshot> Tiers => tiers.Values;

    public int ConfirmedUnits { get; private set; }

    /// <summary>Takes a snapshot unless an older one of the same activation arrives late; true when taken.</summary>
    public bool Apply(TierSnapshot snapshot)
    {
        if (tiers.TryGetValue(snapshot.TierId, out var current)
            && current.ActivationId == snapshot.ActivationId && current.Sequence >= snapshot.Sequence)
            return false;
        tiers[snapshot.TierId] = snapshot;
        ConfirmedUnits = tiers.Values.Sum(t => t.ConfirmedUnits);
        return true;
    }

    public void Remove(string tierId)
    {
        tiers.Remove(tierId);
        ConfirmedUnits = tiers.Values.Sum(t => t.ConfirmedUnits);
    }

    public int ReservedUnits => tiers.Values.Sum(t => t.ReservedUnits);

    public int Backers => tiers.Values.Sum(t => t.ConfirmedBackers);

    public int? RemainingOf(string tierId) => tiers.TryGetValue(tierId, out var t) ? t.Remaining : null;

    public Dictionary<string, int> ConfirmedUnitsByCountry() => Merge(tiers.Values.Select(t => t.ConfirmedUnitsByCountry));

    public Dictionary<string, int> ReservedUnitsByCountry() => Merge(tiers.Values.Select(t => t.ReservedUnitsByCountry));

    public Dictionary<string, long> ConfirmedMoneyByCurrency()
    {
        var sum = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (currency, amount) in tiers.Values.SelectMany(t => t.ConfirmedMoneyByCurrency))
            sum[currency] = sum.GetValueOrDefault(currency) + amount;
        return sum;
    }

    private static Dictionary<string, int> Merge(IEnumerable<IReadOnlyDictionary<string, int>> parts)
    {
        var sum = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in parts.SelectMany(p => p)) sum[key] = sum.GetValueOrDefault(key) + value;
        return sum;
    }
}
