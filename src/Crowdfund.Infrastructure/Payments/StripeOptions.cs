using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// The Stripe account and how the adapter treats it ("Crowdfund:Stripe"). The keys are secrets: they come from the
/// environment (<c>Crowdfund__Stripe__SecretKey</c>...), never from the repository, and never appear in a log or a
/// message.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Crowdfund:Stripe";

    /// <summary>The server's key, <c>sk_test_...</c> or <c>sk_live_...</c>.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The key a backer's browser confirms a setup with, <c>pk_...</c>, of the same mode as the secret key.</summary>
    public string PublishableKey { get; set; } = "";

    /// <summary>The signing secret of the webhook endpoint, <c>whsec_...</c>.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Where the API is; unset, Stripe's own. The emulator's URL in development and tests.</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// The account's rate limit, for the whole cluster: each silo takes its share. 100 is Stripe's live-mode limit;
    /// a sandbox allows 25, and Stripe also limits each endpoint to 25 a second unless it raised the account's limits.
    /// </summary>
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>
    /// Calls that may wait in one silo for its share of the rate; past it, a call fails at once as unavailable rather
    /// than waiting without bound.
    /// </summary>
    public int QueueLimit { get; set; } = 1000;

    /// <summary>
    /// How long one attempt may wait for Stripe's answer. Stripe answers these calls in well under a second; a call
    /// still open after this is more likely lost than slow, and its retry with the same idempotency key is safe.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for network errors, timeouts, 409, 429 and 5xx only.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; it doubles per retry, with jitter (Stripe.net's own minimum is 500 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the circuit stays open once Stripe fails most calls, before one call probes it again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far a webhook's signed timestamp may be from now (Stripe's default: 5 minutes).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Why these settings cannot work, naming the setting and never its value; null when they can.</summary>
    public string? Problem()
    {
        if (!IsKey(SecretKey, "sk_"))
            return $"{Name(nameof(SecretKey))} must be set to the account's secret key (sk_test_... or sk_live_...).";
        if (!IsKey(PublishableKey, "pk_"))
            return $"{Name(nameof(PublishableKey))} must be set to the account's publishable key (pk_test_... or pk_live_...).";
        if (IsLive(SecretKey) != IsLive(PublishableKey))
            return $"{Name(nameof(PublishableKey))} must be of the same mode (test or live) as the secret key.";
        if (!IsKey(WebhookSecret, "whsec_"))
            return $"{Name(nameof(WebhookSecret))} must be set to the webhook endpoint's signing secret (whsec_...).";
        if (ApiBase is { Length: > 0 } apiBase
            && !(Uri.TryCreate(apiBase, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0))
            return $"{Name(nameof(ApiBase))} must be an absolute http(s) URL such as https://api.stripe.com, or unset.";
        if (!(RequestsPerSecond is > 0 and <= 100_000))
            return $"{Name(nameof(RequestsPerSecond))} must be a number of requests per second above 0 (the account's limit, for the whole cluster).";
        if (QueueLimit is < 0 or > 1_000_000)
            return $"{Name(nameof(QueueLimit))} must be between 0 and 1000000.";
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromMinutes(5))
            return $"{Name(nameof(AttemptTimeout))} must be above 00:00:00 and at most 00:05:00.";
        if (MaxRetries is < 0 or > 10)
            return $"{Name(nameof(MaxRetries))} must be between 0 and 10.";
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
            return $"{Name(nameof(RetryDelay))} must be between 00:00:00 and 00:01:00.";
        // Polly's own bounds for a break.
        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
            return $"{Name(nameof(BreakDuration))} must be between 00:00:00.5 and 1.00:00:00.";
        if (WebhookTolerance < TimeSpan.FromSeconds(1) || WebhookTolerance > TimeSpan.FromHours(1))
            return $"{Name(nameof(WebhookTolerance))} must be between 00:00:01 and 01:00:00.";
        return null;
    }

    private static string Name(string setting) => $"{Section}:{setting} (environment {Section.Replace(":", "__", StringComparison.Ordinal)}__{setting})";

    // Configuration can bind null to a key left empty, whatever the property's type says.
    private static bool IsKey(string? value, string prefix) =>
        value is not null && value.Length > prefix.Length && value.StartsWith(prefix, StringComparison.Ordinal) && !value.Any(char.IsWhiteSpace);

    private static bool IsLive(string key) => key.Contains("_live_", StringComparison.Ordinal);
}

/// <summary>Checks <see cref="StripeOptions"/> when the host starts, so that a bad setting stops it, named.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
