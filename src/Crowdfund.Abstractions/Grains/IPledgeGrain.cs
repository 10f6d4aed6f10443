using Crowdfund.Messages;
using Crowdfund.Messages.Payments;

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

    /// <summary>
    /// The backer asks to save a card (or to replace the saved one). Answers the open setup if there is one; otherwise
    /// starts a new one, queued for the payment provider, with a ticket for the silo's setup queue. A reservation's hold
    /// is extended to cover <paramref name="expectedWait"/> in the queue, so it never expires while waiting its turn.
    /// </summary>
    Task<SetupResult> RequestPaymentSetupAsync(byte[] tokenHash, TimeSpan expectedWait);

    /// <summary>
    /// The latest card setup, without a ticket: the backer's page reads it often while it waits. A queued setup whose
    /// silo went away is queued again through <see cref="RequestPaymentSetupAsync"/>, which answers the open setup.
    /// </summary>
    Task<SetupResult> GetPaymentSetupAsync(byte[] tokenHash);

    /// <summary>The provider's setup exists (the setup queue made it): the backer's browser can enter the card. Idempotent.</summary>
    Task SetupCreatedAsync(int attempt, string setupIntentId, string clientSecret, string customerId);

    /// <summary>The provider refused to create the setup for good (not a card refusal). Idempotent.</summary>
    Task SetupRefusedAsync(int attempt, string? code, string message);

    /// <summary>
    /// A verified provider event about one of this pledge's setups: a saved card confirms the pledge, a refused one is
    /// recorded with its reason. Safe to receive twice, late or out of order.
    /// </summary>
    Task ApplyPaymentEventAsync(PaymentEvent paymentEvent);

    /// <summary>
    /// The collection run's call once the campaign succeeded: charges a confirmed pledge, settles a charge whose answer
    /// was lost (under the same key), charges a failed one again when its retry is due, and drops it when its fix
    /// window is over. Safe to call at any time, twice, or after a crash.
    /// </summary>
    Task<CollectStep> CollectAsync();

    /// <summary>The campaign failed: lets every card the pledge saved go, then releases the pledge. Idempotent.</summary>
    Task<CollectStep> ReleaseAsync();

    /// <summary>The pledge's payment for its backer, with what to do when a charge failed or needs authentication.</summary>
    Task<PaymentResult> GetPaymentAsync(byte[] tokenHash);

    /// <summary>
    /// The team gives back <paramref name="amount"/> (all that is left when null) of a collected pledge. The same
    /// <paramref name="requestKey"/> is the same refund: asked again, it answers the first (and finishes it if the
    /// provider could not be reached).
    /// </summary>
    Task<RefundOutcome> RefundAsync(long? amount, string requestKey, string? reason);
}
