using Crowdfund.Messages;

namespace Crowdfund.Grains;

/// <summary>
/// One pledge, keyed by its id: the owner of its lifecycle after the reservation. Every move of its status
/// (<see cref="Domain.PledgeLifecycle"/>), tier or quantity is decided and written here, one at a time, and the tier
/// grains are told to follow the row.
/// </summary>
public interface IPledgeGrain : IGrainWithGuidKey
{
    /// <summary>The pledge, when <paramref name="tokenHash"/> matches; PledgeNotFound otherwise (never says which).</summary>
    Task<PledgeResult> GetAsync(byte[] tokenHash);

    /// <summary>Changes quantity and/or tier while the campaign is live.</summary>
    Task<PledgeResult> ChangeAsync(byte[] tokenHash, string tierId, int quantity);

    /// <summary>Cancels the pledge while the campaign is live.</summary>
    Task<PledgeResult> CancelAsync(byte[] tokenHash);

    /// <summary>The card is saved: the payment layer confirms the pledge (no backer token involved). Idempotent.</summary>
    Task<PledgeResult> ConfirmAsync();
}
