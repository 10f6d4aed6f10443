using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Tiers;

/// <summary>
/// A tier's inventory and counters in memory: the pledges that hold its rewards, the rewards held against the limit
/// (those pledges, reservations being written, holds for pledges changing) and the aggregates the campaign needs.
/// </summary>
/// <remarks>
/// Every change is relative (hold or release so many, count or uncount one pledge), never a replacement of the
/// whole: a reservation batch that is committing and a sync of another pledge can run in either order and give the
/// same totals. Holding is a synchronous check-and-add, so nothing can slip between the check and the hold.
/// </remarks>
internal sealed class TierInventory(int? limit)
{
    // An unlimited tier still has a capacity, so that no count of its rewards or units can overflow (see Limits).
    private readonly int capacity = limit ?? Limits.MaxTierRewards;
    private readonly Dictionary<Guid, LivePledge> live = [];
    private readonly Dictionary<Guid, (int Quantity, DateTimeOffset At)> changeHolds = [];
    private readonly Dictionary<string, int> confirmedUnitsByCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> reservedUnitsByCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> confirmedMoneyByCurrency = new(StringComparer.Ordinal);
    private int confirmedBackers;

    /// <summary>Rewards counted against the limit.</summary>
    public int Held { get; private set; }

    public int? Remaining => limit is { } l ? Math.Max(0, l - Held) : null;

    /// <summary>Live pledges still waiting for a saved card (they may expire).</summary>
    public int ReservedPledges { get; private set; }

    public int ChangeHolds => changeHolds.Count;

    public IReadOnlyCollection<LivePledge> Live => live.Values;

    public bool TryHold(int quantity)
    {
        if (Held + quantity > capacity) return false;
        Held += quantity;
        return true;
    }

    public void Release(int quantity) => Held -= quantity;

    public LivePledge? Find(Guid id) => live.GetValueOrDefault(id);

    /// <summary>Holds what a pledge needs to change, replacing an earlier hold of the same pledge.</summary>
    public bool TryHoldForChange(Guid id, int quantity, DateTimeOffset now)
    {
        DropChangeHold(id);
        if (!TryHold(quantity)) return false;
        changeHolds[id] = (quantity, now);
        return true;
    }

    public void DropChangeHold(Guid id)
    {
        if (changeHolds.Remove(id, out var hold)) Release(hold.Quantity);
    }

    /// <summary>Pledges whose change hold is older than <paramref name="before"/>: their grain never came back.</summary>
    public Guid[] StaleChangeHolds(DateTimeOffset before) =>
        changeHolds.Where(h => h.Value.At < before).Select(h => h.Key).ToArray();

    /// <summary>Counts a new pledge whose rewards this batch already holds.</summary>
    public void AddHeld(LivePledge pledge)
    {
        live.Add(pledge.Id, pledge);
        Count(pledge, +1);
    }

    /// <summary>Counts a pledge read from its row, holding its rewards too.</summary>
    public void Load(LivePledge pledge)
    {
        Held += pledge.Quantity;
        AddHeld(pledge);
    }

    /// <summary>Forgets a pledge and releases its rewards.</summary>
    public void Remove(Guid id)
    {
        if (!live.Remove(id, out var pledge)) return;
        Count(pledge, -1);
        Held -= pledge.Quantity;
    }

    public TierSnapshot Snapshot(string tierId, Guid activationId, long sequence) => new(
        tierId, activationId, sequence, Held, Remaining, confirmedBackers,
        new Dictionary<string, int>(confirmedUnitsByCountry),
        new Dictionary<string, int>(reservedUnitsByCountry),
        new Dictionary<string, long>(confirmedMoneyByCurrency));

    private void Count(LivePledge pledge, int sign)
    {
        if (PledgeLifecycle.CountsTowardGoal(pledge.Status))
        {
            Add(confirmedUnitsByCountry, pledge.Country, sign * pledge.Units);
            Add(confirmedMoneyByCurrency, pledge.Currency, sign * pledge.Total);
            confirmedBackers += sign;
        }
        else
        {
            Add(reservedUnitsByCountry, pledge.Country, sign * pledge.Units);
            ReservedPledges += sign;
        }
    }

    private static void Add<T>(Dictionary<string, T> totals, string key, T delta)
        where T : System.Numerics.INumber<T>
    {
        var value = totals.GetValueOrDefault(key, T.Zero) + delta;
        if (value == T.Zero) totals.Remove(key);
        else totals[key] = value;
    }
}
