using Crowdfund.Messages;

namespace Crowdfund.Grains;

/// <summary>
/// One pledge, keyed by its id: checks the backer's token and serialises the backer's operations on it.
/// The tier grains own the inventory; this grain routes each operation to them.
/// </summary>
public interface IPledgeGrain : IGrainWithGuidKey
{
    /// <summary>The pledge, when <paramref name="tokenHash"/> matches; PledgeNotFound otherwise (never says which).</summary>
    Task<PledgeResult> GetAsync(byte[] tokenHash);

    /// <summary>Changes quantity and/or tier until the deadline.</summary>
    Task<PledgeResult> ChangeAsync(byte[] tokenHash, string tierId, int quantity);

    /// <summary>Cancels the pledge until the deadline.</summary>
    Task<PledgeResult> CancelAsync(byte[] tokenHash);

    /// <summary>The card is saved: the payment layer confirms the pledge (no backer token involved).</summary>
    Task<PledgeResult> ConfirmAsync();
}
