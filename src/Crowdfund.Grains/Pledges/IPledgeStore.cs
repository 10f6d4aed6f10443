using Crowdfund.Grains.Tiers;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// The grains' port to the pledge rows: point reads, the reads a tier rebuilds from, and conditional writes that
/// name what they expect, so that a stale caller changes nothing and learns so.
/// </summary>
public interface IPledgeStore
{
    Task<PledgeRecord?> GetAsync(Guid id);

    /// <summary>The pledges of a campaign written under any of the given idempotency keys, by key, in one round trip.</summary>
    Task<IReadOnlyDictionary<string, PledgeRecord>> FindByIdempotencyKeysAsync(string campaignId, IEnumerable<string> idempotencyKeys);

    /// <summary>The pledges of one tier whose status holds rewards (<see cref="Domain.PledgeLifecycle.Holding"/>).</summary>
    Task<IReadOnlyList<LivePledge>> LoadLiveAsync(string campaignId, string tierId);

    /// <summary>Units of a campaign confirmed since a moment and still counting (for the velocity after a restart).</summary>
    Task<int> ConfirmedUnitsSinceAsync(string campaignId, DateTimeOffset since);

    /// <summary>Expires the given reservations of a tier that are still reserved and overdue; returns those it expired.</summary>
    Task<IReadOnlyList<Guid>> ExpireAsync(string campaignId, string tierId, Guid[] ids, DateTimeOffset now);

    /// <summary>Writes a pledge's new status, tier, quantity and amounts, if its row is still as the caller read it.</summary>
    Task<PledgeWrite> UpdateAsync(PledgeUpdate update);
}
