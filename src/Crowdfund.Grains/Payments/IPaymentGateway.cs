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
}

/// <summary>A setup as the provider created it: the browser confirms it with the client secret.</summary>
public sealed record SetupIntentInfo(string Id, string ClientSecret, string Status);

/// <summary>The metadata keys Crowdfund puts on what it creates at the provider, to find its own records in events.</summary>
public static class PaymentMetadata
{
    public const string PledgeId = "pledge_id";
    public const string CampaignId = "campaign_id";
    public const string SetupAttempt = "setup_attempt";
}
