namespace Crowdfund.Grains.Payments;

/// <summary>
/// The grains' port to the payment provider (Stripe). Every call is idempotent on the key the caller gives, so a
/// retry, by the adapter or by the caller after a crash, never acts twice. The adapter paces calls to the account's
/// rate limit (this silo's share of it), retries what the provider says is retryable, and breaks the circuit when the
/// provider is down.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>The key a backer's browser confirms a setup with (Stripe.js, or the emulator's test page).</summary>
    string PublishableKey { get; }

    /// <summary>
    /// This silo's share of the provider's rate limit, in requests per second, for estimating waits. It changes as silos
    /// join and leave the cluster.
    /// </summary>
    double RequestsPerSecond { get; }

    /// <summary>Creates the provider's customer for a backer; the same key gives the same customer.</summary>
    /// <exception cref="PaymentGatewayUnavailableException">Retryable: try again later with the same key.</exception>
    /// <exception cref="PaymentGatewayException">The provider refused the request; retrying will not help.</exception>
    Task<string> CreateCustomerAsync(string email, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an off-session setup (Stripe: a SetupIntent with usage=off_session) for the customer, carrying
    /// <paramref name="metadata"/> back in every event about it; the same key gives the same setup.
    /// </summary>
    /// <exception cref="PaymentGatewayUnavailableException">Retryable: try again later with the same key.</exception>
    /// <exception cref="PaymentGatewayException">The provider refused the request; retrying will not help.</exception>
    Task<SetupIntentInfo> CreateSetupIntentAsync(string customerId, IReadOnlyDictionary<string, string> metadata,
        string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Charges a saved card off-session (Stripe: a PaymentIntent with off_session=true, confirm=true). The same key
    /// gives the same charge: a retry after a lost answer gets the first answer, never a second charge. A decline or a
    /// request for authentication is an answer, not an exception.
    /// </summary>
    /// <exception cref="PaymentGatewayUnavailableException">Retryable: try again later with the same key.</exception>
    /// <exception cref="PaymentGatewayException">The provider refused the request itself; retrying will not help.</exception>
    Task<ChargeResult> ChargeAsync(ChargeRequest charge, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The charge a pledge's attempt made at the provider, found from its metadata among the customer's payments, or
    /// null when there is none: for an attempt whose answer was lost longer ago than the provider keeps idempotency
    /// keys (24 hours at Stripe), where charging again under the same key would charge twice.
    /// </summary>
    Task<ChargeResult?> FindChargeAsync(string customerId, Guid pledgeId, int attempt, CancellationToken cancellationToken = default);

    /// <summary>Gives back <paramref name="amount"/> of a charge; the same key gives the same refund.</summary>
    /// <exception cref="PaymentGatewayUnavailableException">Retryable: try again later with the same key.</exception>
    /// <exception cref="PaymentGatewayException">Refused (more than what is left, a disputed charge...).</exception>
    Task<RefundResult> RefundAsync(string paymentIntentId, long amount, IReadOnlyDictionary<string, string> metadata,
        string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Lets a saved card go (Stripe: detach it from the customer). A card already let go counts as done.</summary>
    /// <exception cref="PaymentGatewayUnavailableException">Retryable.</exception>
    /// <exception cref="PaymentGatewayException">Refused for another reason (no such card: "resource_missing").</exception>
    Task DetachCardAsync(string paymentMethodId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every payment the provider holds for a campaign's pledges (by their metadata), created since
    /// <paramref name="since"/>, with what was refunded and disputed of each and the provider's fee where known: the
    /// provider's side of the reconciliation, read back through its list calls.
    /// </summary>
    IAsyncEnumerable<ProviderPayment> ListPaymentsAsync(string campaignId, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>A charge to make: the pledge's stored total, in its currency, on its saved card.</summary>
/// <param name="Metadata">Names the campaign, pledge and attempt (<see cref="PaymentMetadata"/>), carried back in events.</param>
public sealed record ChargeRequest(string CustomerId, string PaymentMethodId, long Amount, string Currency,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>How a charge ended at the provider.</summary>
public enum ChargeOutcome
{
    Succeeded,

    /// <summary>The bank declined it (<see cref="ChargeResult.DeclineCode"/> says why); another card or a later try may work.</summary>
    Declined,

    /// <summary>The bank wants the backer to authenticate (SCA): the backer confirms the payment on-session.</summary>
    ActionRequired,

    /// <summary>Not settled yet (the provider is still processing it); its events will tell.</summary>
    Pending,
}

/// <summary>The provider's answer to a charge.</summary>
/// <param name="PaymentIntentId">The provider's payment ("pi_..."): the backer confirms it on-session after an ActionRequired.</param>
/// <param name="ClientSecret">What the backer's browser confirms the payment with, after ActionRequired (null otherwise).</param>
/// <param name="Amount">What the payment is for; <paramref name="AmountReceived"/> what was taken.</param>
/// <param name="Currency">ISO 4217, upper case as Crowdfund writes it ("EUR"), whatever case the provider uses.</param>
/// <param name="FailureCode">The error code of a decline or a request for authentication ("card_declined",
/// "authentication_required"); <paramref name="DeclineCode"/> the bank's reason. Null after a success.</param>
public sealed record ChargeResult(ChargeOutcome Outcome, string PaymentIntentId, string? ClientSecret, string? ChargeId,
    long Amount, long AmountReceived, string Currency, string? FailureCode, string? DeclineCode);

/// <summary>A refund as the provider made it.</summary>
public sealed record RefundResult(string RefundId, long Amount, string Currency, string Status);

/// <summary>One payment as the provider holds it, for the reconciliation.</summary>
/// <param name="PledgeId">From the payment's metadata.</param>
/// <param name="Status">The provider's status of the payment ("succeeded", "requires_payment_method"...).</param>
/// <param name="Attempt">From the payment's metadata; 0 when it has none.</param>
/// <param name="Currency">ISO 4217, upper case.</param>
/// <param name="AmountReceived">What was taken; <paramref name="AmountRefunded"/> what went back; <paramref name="AmountDisputed"/>
/// what disputes hold back: open or lost ones, not won ones nor inquiries, which never withdrew it.</param>
/// <param name="Fee">The provider's fee on the charge, when it says (null otherwise, and for a failed charge).</param>
/// <param name="DisputeStatus">The status of the payment's latest dispute ("needs_response", "won", "lost"), if any.</param>
public sealed record ProviderPayment(Guid PledgeId, int Attempt, string PaymentIntentId, string Status, string Currency,
    long Amount, long AmountReceived, long AmountRefunded, long AmountDisputed, long? Fee, string? DisputeStatus);

/// <summary>A setup as the provider created it: the browser confirms it with the client secret.</summary>
public sealed record SetupIntentInfo(string Id, string ClientSecret, string Status);

/// <summary>The metadata keys Crowdfund puts on what it creates at the provider, to find its own records in events.</summary>
public static class PaymentMetadata
{
    public const string PledgeId = "pledge_id";
    public const string CampaignId = "campaign_id";
    public const string SetupAttempt = "setup_attempt";
    public const string ChargeAttempt = "charge_attempt";
}
