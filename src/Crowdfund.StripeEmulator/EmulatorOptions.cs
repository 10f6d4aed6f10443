namespace Crowdfund.StripeEmulator;

/// <summary>
/// Settings of the Stripe emulator, bound from the <c>StripeEmulator</c> section (environment:
/// <c>StripeEmulator__SecretKey</c>, <c>StripeEmulator__Faults__ServerErrorRate</c>, ...).
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "StripeEmulator";

    /// <summary>
    /// The API version the emulator stamps on events and answers with: Stripe.net 53.1.0's pinned
    /// <c>StripeConfiguration.ApiVersion</c>, which <c>EventUtility.ConstructEvent</c> requires events to match.
    /// </summary>
    public const string DefaultApiVersion = "2026-10-28.endive";

    /// <summary>The secret key (<c>sk_test_...</c>) the server API accepts; generated at start when unset.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The publishable key (<c>pk_test_...</c>) Stripe.js-style calls use; generated at start when unset.</summary>
    public string? PublishableKey { get; set; }

    /// <summary>Where events are POSTed; none when unset. Shorthand for one entry of <see cref="WebhookEndpoints"/>.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret (<c>whsec_...</c>) of <see cref="WebhookUrl"/>; generated at start when unset.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>More webhook endpoints, each with its own secret.</summary>
    public List<WebhookEndpointOptions> WebhookEndpoints { get; set; } = [];

    /// <summary>Requests per second allowed per API key (token bucket, reads and writes alike); 0 for no limit.</summary>
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>The API version of events and answers; see <see cref="DefaultApiVersion"/>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Injected failures; all off by default.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Delay before the first retry of a failed webhook delivery; doubles per attempt.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between two delivery attempts.</summary>
    public TimeSpan WebhookMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts per event and endpoint, the first included, before the emulator gives up.</summary>
    public int WebhookMaxAttempts { get; set; } = 12;

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idempotency key is remembered (Stripe: at least 24 hours).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>One webhook endpoint: its URL, signing secret and the event types it wants (<c>*</c> for all).</summary>
public sealed class WebhookEndpointOptions
{
    /// <summary>The URL the events are POSTed to.</summary>
    public string Url { get; set; } = "";

    /// <summary>The signing secret, <c>whsec_...</c>.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Event types delivered to this endpoint; <c>*</c> (the default) for every type.</summary>
    public List<string> EnabledEvents { get; set; } = ["*"];
}

/// <summary>
/// Failures the emulator injects into <c>/v1</c> requests, each a share between 0 and 1. They never corrupt state:
/// a 500 or 429 is answered before the request executes, and a dropped connection comes after the write was applied
/// and stored under its idempotency key, so a retry with the same key gets the stored answer.
/// </summary>
public sealed record FaultOptions
{
    /// <summary>Share of requests answered 500 <c>api_error</c> without executing.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Share of requests answered 429 <c>rate_limit</c> without executing.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>Share of POSTs whose connection is aborted after the write was applied, with no answer.</summary>
    public double DropAfterWriteRate { get; set; }

    /// <summary>Share of requests delayed by <see cref="SlowDelay"/> before executing.</summary>
    public double SlowRate { get; set; }

    /// <summary>The delay of a slow answer.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed of the draws, for a reproducible sequence of faults; random when unset.</summary>
    public int? Seed { get; set; }
}
