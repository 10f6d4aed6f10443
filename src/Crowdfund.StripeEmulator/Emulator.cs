using Crowdfund.StripeEmulator.Reliability;
using Crowdfund.StripeEmulator.State;
using Crowdfund.StripeEmulator.Webhooks;

namespace Crowdfund.StripeEmulator;

/// <summary>The emulator's parts, shared by the HTTP endpoints, the test controls and the in-process API.</summary>
internal sealed class Emulator : IAsyncDisposable
{
    public Emulator(EmulatorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        SecretKey = Checked(options.SecretKey, "sk_test_", nameof(options.SecretKey)) ?? "sk_test_emulator_" + Ids.Random(24);
        PublishableKey = Checked(options.PublishableKey, "pk_test_", nameof(options.PublishableKey)) ?? "pk_test_emulator_" + Ids.Random(24);
        ApiVersion = string.IsNullOrWhiteSpace(options.ApiVersion) ? EmulatorOptions.DefaultApiVersion : options.ApiVersion;
        if (options.WebhookMaxAttempts < 1) throw new InvalidOperationException($"{EmulatorOptions.Section}:{nameof(options.WebhookMaxAttempts)} must be at least 1.");
        Time = time;
        Options = options;
        Idempotency = new IdempotencyStore(options.IdempotencyKeyLifetime);
        RateLimiter = new RateLimiter(options.RequestsPerSecond, time);
        Faults = new FaultInjector(options.Faults);
        Webhooks = new WebhookDispatcher(options, time, loggers.CreateLogger<WebhookDispatcher>());
        var endpoints = new List<WebhookEndpointOptions>();
        if (!string.IsNullOrWhiteSpace(options.WebhookUrl))
        {
            endpoints.Add(new WebhookEndpointOptions { Url = options.WebhookUrl, Secret = Checked(options.WebhookSecret, "whsec_", nameof(options.WebhookSecret)) ?? NewWebhookSecret() });
        }
        foreach (var endpoint in options.WebhookEndpoints)
        {
            Checked(endpoint.Secret, "whsec_", $"{nameof(options.WebhookEndpoints)}:{nameof(endpoint.Secret)}");
            endpoints.Add(endpoint);
        }
        Webhooks.SetEndpoints(endpoints);
    }

    public string SecretKey { get; }

    public string PublishableKey { get; }

    public string ApiVersion { get; }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public EmulatorStore Store { get; } = new();

    public IdempotencyStore Idempotency { get; }

    public RateLimiter RateLimiter { get; }

    public FaultInjector Faults { get; }

    public WebhookDispatcher Webhooks { get; }

    public Counters Counters { get; } = new();

    public long UnixNow => Time.GetUtcNow().ToUnixTimeSeconds();

    public static string NewWebhookSecret() => "whsec_" + Ids.Random(32);

    /// <summary>Forgets every object, event, delivery and idempotency key; keys, faults and endpoints stay.</summary>
    public void Reset()
    {
        lock (Store.Gate)
        {
            Store.Clear();
            Webhooks.Clear();
        }
        Idempotency.Clear();
        RateLimiter.Clear();
        Counters.Clear();
    }

    public ValueTask DisposeAsync() => Webhooks.DisposeAsync();

    private static string? Checked(string? value, string prefix, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || value.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"{EmulatorOptions.Section}:{name} must start with '{prefix}' and hold no spaces.");
        }
        return value;
    }
}
