using Crowdfund.Messages.Fulfilment;

namespace Crowdfund.Grains;

/// <summary>
/// The handoff of one succeeded campaign to its manufacturer, keyed by the campaign's slug: the address lock, the
/// freeze of orders into batches per country once collection has settled and the lock has passed, and the batches
/// sent again while the partner has not acknowledged them. A durable reminder keeps it going across restarts.
/// </summary>
public interface IFulfilmentGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets when backers' addresses lock (moving it is allowed until the orders are frozen). Refused with
    /// AddressLocked once frozen, FulfilmentNotReady before the campaign succeeded.
    /// </summary>
    Task<FulfilmentResult> SetAddressLockAsync(DateTimeOffset at);

    /// <summary>The handoff as the team watches it; does what fell due first (the freeze, resending).</summary>
    Task<FulfilmentResult> GetAsync();

    /// <summary>
    /// A pledge of the campaign became collected after the freeze (a dispute won): it is sent to the partner in a batch
    /// of its own, and the batches are watched until acknowledged. Before the freeze, it does what fell due. Idempotent.
    /// </summary>
    Task OrderLateAsync();
}
