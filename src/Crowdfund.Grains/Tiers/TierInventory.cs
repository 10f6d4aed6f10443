using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Tiers;

/// <summary>
/// A tier's inventory and counters in memory: its live pledges, the rewards held against the limit (live pledges,
/// reservations being written, holds for pledges moving in) and the aggregates the campaign needs.
/// </summary>
/// <remarks>
/// Holding is a synchronous check-and-add, so within a grain turn nothing can slip between the check and the
/// hold; the grain releases the hold if the write that follows fails.
/// </remarks>
internal sealed class TierInventory(int? limit)
{
    private readonly Dictionary<Guid, LivePledge> live = [];
    private readonly Dictionary<string, int> confirmedUnitsByCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> reservedUnitsByCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> confirmedMoneyByCurrency = new(StringComparer.Ordinal);
    private int confirmedBackers;

    /// <summary>Rewards counted against the limit.</summary>
    public int Held { get; private set; }

    public int? Remaining => limit is { } l ? Math.Max(0, l - Held) : null;

    /// <summary>Live pledges still waiting for confirmation (they may expire).</summary>
    public int ReservedPledges { get; private set; }

    public IReadOnlyCollection<LivePledge> Live => live.Values;

    public bool TryHold(int quantity)
    {
        if (limit is { } l && Held + quantity > l) return false;
        Held += quantity;
        return true;
    }

    public void Release(int quantity) => Held -= quantity;

    public LivePledge? Find(Guid id) => live.GetValueOrDefault(id);

    /// <summary>Counts a pledge whose rewards are already held (reserved, or moved in under a hold).</summary>
    public void AddHeld(LivePledge pledge)
    {
        live.Add(pledge.Id, pledge);
        Count(pledge, +1);
    }

    /// <summary>Counts a pledge loaded from the database, holding its rewards too.</summary>
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

    /// <summary>Replaces a pledge by its new version; the caller has already held any extra rewards.</summary>
    public void Replace(LivePledge updated)
    {
        var old = live[updated.Id];
        Count(old, -1);
        live[updated.Id] = updated;
        Count(updated, +1);
    }

    public TierSnapshot Snapshot(string tierId, Guid activationId, long sequence) => new(
        tierId, activationId, sequence, Held, Remaining, confirmedBackers,
        new Dictionary<string, int>(confirmedUnitsByCountry),
        new Dictionary<string, int>(reservedUnitsByCountry),
        new Dictionary<string, long>(confirmedMoneyByCurrency));

    private void Count(LivePledge pledge, int sign)
    {
        if (pledge.Status == PledgeStatus.Confirmed)
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
