using Crowdfund.Messages;
using Orleans.Concurrency;

namespace Crowdfund.Grains;

/// <summary>
/// One reward tier, keyed "{campaign}/{tier}": the single owner of its inventory (rewards held against the limit),
/// of the counters of its pledges and of their hold window. It writes the Reserved rows of a rush; from there each
/// pledge's own grain moves it through its lifecycle and tells the tier to follow its row.
/// </summary>
public interface IRewardTierGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds the rewards of each request and writes its pledge as Reserved, all rows of the call in one commit;
    /// returns once that commit is done, with one answer per request, in order. The edge gathers the pledges of a
    /// rush that arrive together into one call.
    /// </summary>
    /// <remarks>
    /// The one call that interleaves, so that many reservations share one database commit; the grain's class
    /// comment says what it may touch while others run.
    /// </remarks>
    [AlwaysInterleave]
    Task<PledgeResult[]> ReserveManyAsync(ReserveRequest[] requests);

    /// <summary>
    /// Prices a change of a pledge to <paramref name="quantity"/> rewards of this tier and holds the rewards it needs
    /// beyond what the pledge already holds here, until <see cref="SyncPledgeAsync"/> for the same pledge.
    /// </summary>
    Task<ChangeHold> HoldForChangeAsync(Guid pledgeId, string country, int quantity);

    /// <summary>
    /// Makes the tier's memory of one pledge match its row: drops any hold taken for a change, then counts the pledge
    /// as the row says (or forgets it when the row no longer holds rewards here). Safe to call again at any time.
    /// </summary>
    Task SyncPledgeAsync(Guid pledgeId);

    /// <summary>Expires the reservations whose hold window has passed; a timer calls it, tests may too.</summary>
    Task<int> ExpireDueAsync();

    /// <summary>The tier's counters now.</summary>
    Task<TierSnapshot> GetSnapshotAsync();

    /// <summary>Reloads the definition from the database (at launch, when the definition froze, and at the deadline).</summary>
    Task ReloadAsync();
}
