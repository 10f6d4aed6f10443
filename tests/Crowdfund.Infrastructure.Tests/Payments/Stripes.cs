using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages.Payments;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
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
    /// <param name="time">The emulator's clock (<c>created</c> of what it makes); the system's by default.</param>
    public static Task<StripeEmulatorServer> StartAsync(Action<EmulatorOptions>? configure = null, TimeProvider? time = null)
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
        return StripeEmulatorServer.StartAsync(options, time);
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

    /// <summary>What the collection puts on a charge: its campaign, pledge and attempt.</summary>
    public static Dictionary<string, string> ChargeMetadata(Guid pledgeId, int attempt = 1, string campaignId = "retro-phone") => new()
    {
        [PaymentMetadata.PledgeId] = pledgeId.ToString(),
        [PaymentMetadata.CampaignId] = campaignId,
        [PaymentMetadata.ChargeAttempt] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The first event of this type the receiver got (and that <paramref name="where"/> accepts), verified and reduced.</summary>
    public static async Task<PaymentEvent> DeliveredAsync(WebhookReceiver receiver, StripeWebhooks webhooks, string type,
        Func<PaymentEvent, bool>? where = null)
    {
        PaymentEvent? found = null;
        await UntilAsync(() =>
        {
            found = receiver.Received.Select(r => webhooks.Verify(r.Body, r.Signature))
                .FirstOrDefault(e => e.Type == type && (where is null || where(e)));
            return found is not null;
        }, $"a {type} event delivered");
        return found!;
    }

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
