using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stripe;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The emulator on loopback, and gateways pointed at it with small delays so that every test takes little time.</summary>
internal static class Stripes
{
    public const string WebhookSecret = "whsec_payments_tests_secret";

    /// <summary>An emulator with no rate limit unless a test sets one, and quick webhook retries.</summary>
    public static Task<StripeEmulatorServer> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            SecretKey = "sk_test_payments_tests",
            PublishableKey = "pk_test_payments_tests",
            RequestsPerSecond = 0,
            WebhookRetryDelay = TimeSpan.FromMilliseconds(50),
            WebhookMaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return StripeEmulatorServer.StartAsync(options);
    }

    public static StripeOptions Options(StripeEmulatorServer server, Action<StripeOptions>? configure = null)
    {
        var options = new StripeOptions
        {
            SecretKey = server.SecretKey,
            PublishableKey = server.PublishableKey,
            WebhookSecret = WebhookSecret,
            ApiBase = server.BaseUrl,
            RequestsPerSecond = 1000,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            MaxRetries = 4,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            BreakDuration = TimeSpan.FromMilliseconds(500),
        };
        configure?.Invoke(options);
        Assert.That(options.Problem(), Is.Null, "the tests' settings are valid");
        return options;
    }

    // The gateway's HttpClient as the host registers it.
    private static readonly Lazy<IHttpClientFactory> HttpClients = new(() =>
        new ServiceCollection().AddStripeHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>());

    public static StripeGateway Gateway(StripeOptions options, int silos = 1, ILogger<StripeGateway>? logger = null) =>
        new(options, HttpClients.Value.CreateClient(StripeGateway.HttpClientName), new FixedSiloCount(silos),
            logger ?? NullLogger<StripeGateway>.Instance, TimeProvider.System);

    /// <summary>Stripe.net straight at the emulator, to look at what it holds.</summary>
    public static StripeClient Client(StripeEmulatorServer server) =>
        new(server.SecretKey, httpClient: new SystemNetHttpClient(maxNetworkRetries: 0), apiBase: server.BaseUrl);

    public static string Email() => $"backer-{Guid.NewGuid():N}@example.com";

    public static Dictionary<string, string> Metadata(Guid pledgeId, int attempt = 1) => new()
    {
        [PaymentMetadata.PledgeId] = pledgeId.ToString(),
        [PaymentMetadata.CampaignId] = "retro-phone",
        [PaymentMetadata.SetupAttempt] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Polls until the condition holds, at most 10 s.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Waited 10 s in vain: {what}.");
            await Task.Delay(20);
        }
    }
}
