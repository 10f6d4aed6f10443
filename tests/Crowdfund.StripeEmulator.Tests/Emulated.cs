using System.Net.Http.Headers;

namespace Crowdfund.StripeEmulator.Tests;

/// <summary>Emulators on loopback and the clients that talk to them: Stripe.net for the API, a plain HttpClient for the browser's part.</summary>
internal static class Emulated
{
    public static Task<StripeEmulatorServer> StartAsync(Action<EmulatorOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new EmulatorOptions
        {
            SecretKey = "sk_test_emulator_tests",
            PublishableKey = "pk_test_emulator_tests",
            WebhookRetryDelay = TimeSpan.FromMilliseconds(50),
            WebhookMaxRetryDelay = TimeSpan.FromMilliseconds(200),
            WebhookTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return StripeEmulatorServer.StartAsync(options, clock);
    }

    /// <summary>Stripe.net pointed at the emulator; no automatic retries unless asked, so each test sees each answer.</summary>
    public static StripeClient Client(StripeEmulatorServer server, int retries = 0, string? apiKey = null) =>
        new(apiKey ?? server.SecretKey, httpClient: new SystemNetHttpClient(maxNetworkRetries: retries), apiBase: server.BaseUrl);

    /// <summary>A plain client, as a browser or Stripe.js would send requests (no Stripe.net).</summary>
    public static HttpClient Browser(StripeEmulatorServer server) => new() { BaseAddress = new Uri(server.BaseUrl) };

    /// <summary>A plain client authenticated with the secret key, for the test-only <c>/_emulator</c> controls.</summary>
    public static HttpClient Control(StripeEmulatorServer server)
    {
        var client = Browser(server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.SecretKey);
        return client;
    }

    public static string Email(string what) => $"{what}-{Guid.NewGuid():N}@example.com";

    /// <summary>Saves a test card for a new customer through an off-session SetupIntent, authenticating when the card asks.</summary>
    public static async Task<(Customer Customer, SetupIntent Setup)> SaveCardAsync(StripeEmulatorServer server, StripeClient stripe, string testCard)
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Email("saver") });
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            Usage = "off_session",
            AllowedPaymentMethodTypes = ["card"],
            PaymentMethod = testCard,
            Confirm = true,
        });
        if (setup.Status == "requires_action")
        {
            Assert.That(server.CompleteAuthentication(setup.Id), Is.True);
            setup = await stripe.V1.SetupIntents.GetAsync(setup.Id);
        }
        Assert.That(setup.Status, Is.EqualTo("succeeded"));
        return (customer, setup);
    }

    /// <summary>Polls until the condition holds, at most 10 s.</summary>
    public static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls until the condition holds, at most 10 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Waited 10 s in vain: {what}.");
            await Task.Delay(20);
        }
    }
}
