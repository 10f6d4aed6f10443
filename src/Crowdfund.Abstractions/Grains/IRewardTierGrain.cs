using Crowdfund.Messages;
using Orleans.Concurrency;

namespace Crowdfund.Grains;

/// <summary>
/// One reward tier, keyed "{campaign}/{tier}": the single owner of its inventory and of the counters of its pledges.
/// Every change to a pledge of this tier goes through it, so the limit is never exceeded.
/// </summary>
public interface IRewardTierGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds the rewards of each request and writes its pledge as Reserved, all rows of the call in one commit;
    /// returns once that commit is done, with one answer per request, in order. The edge gathers the pledges of a
    /// rush that arrive together into one call.
    /// </summary>
    /// <remarks>
    /// Interleaves with other calls so that many reservations share one database commit. The inventory checks and
    /// holds of a call happen together in one synchronous step before the write; a failed write releases them.
    /// </remarks>
    [AlwaysInterleave]
    Task<PledgeResult[]> ReserveManyAsync(ReserveRequest[] requests);

    /// <summary>Marks a reserved pledge Confirmed (the card is saved); its units now count toward the goal.</summary>
    Task<PledgeResult> ConfirmAsync(Guid pledgeId);

    /// <summary>Cancels a reserved or confirmed pledge and releases its rewards.</summary>
    Task<PledgeResult> CancelAsync(Guid pledgeId);

    /// <summary>Changes the quantity of a pledge of this tier, within the limit.</summary>
    Task<PledgeResult> ChangeQuantityAsync(Guid pledgeId, int quantity);

    /// <summary>Holds rewards for a pledge moving in from another tier; the hold lasts until <see cref="AcceptMoveAsync"/> or <see cref="ReleaseMoveHoldAsync"/>.</summary>
    Task<Refusal> HoldForMoveAsync(Guid pledgeId, string country, int quantity);

    /// <summary>Moves a pledge of this tier to another tier whose rewards are already held for it, writing the row.</summary>
    Task<PledgeResult> MoveOutAsync(Guid pledgeId, string toTierId, int quantity);

    /// <summary>Counts a pledge that has just moved in (its row now names this tier).</summary>
    Task AcceptMoveAsync(Guid pledgeId);

    /// <summary>Drops a hold taken by <see cref="HoldForMoveAsync"/> when the move did not happen.</summary>
    Task ReleaseMoveHoldAsync(Guid pledgeId);

    /// <summary>Expires the reservations whose hold window has passed; a timer calls it, tests may too.</summary>
    Task<int> ExpireDueAsync();

    /// <summary>The tier's counters now.</summary>
    Task<TierSnapshot> GetSnapshotAsync();

    /// <summary>Reloads the definition and counters from the database (at launch, when the definition froze).</summary>
    Task ReloadAsync();
}
