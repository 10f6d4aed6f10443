using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>
/// The real host (silo, database, HTTP pipeline on Kestrel) for every test of this assembly, configured through its
/// settings as an operator would, without touching the test process's environment; and the Stripe emulator it talks
/// to, which sends its webhooks back to the host over loopback.
/// </summary>
[SetUpFixture]
public sealed class ApiHost
{
    public const string TeamKey = "test-team-key-that-is-long-enough";
    public const string TokenSecret = "a-token-secret-for-tests-only-0123456789";
    public const string WebhookSecret = "whsec_api_tests_0123456789abcdef";
    /// <summary>Small, so that every test run also runs through the directory cache's evictions.</summary>
    public const int DirectoryCacheSize = 1000;
    private static WebApplicationFactory<Program>? factory;
    private static StripeEmulatorServer? emulator;

    internal static WebApplicationFactory<Program> Factory => factory ?? throw new InvalidOperationException("not started");

    public static StripeEmulatorServer Emulator => emulator ?? throw new InvalidOperationException("not started");

    /// <summary>Where the host listens, on loopback.</summary>
    public static Uri BaseAddress { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        emulator = await StripeEmulatorServer.StartAsync(new EmulatorOptions
        {
            SecretKey = "sk_test_api_tests", PublishableKey = "pk_test_api_tests",
            WebhookRetryDelay = TimeSpan.FromMilliseconds(100), WebhookMaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        var cluster = TestSilo.NewClusterId("api");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in Settings(cluster)) host.UseSetting(key, value);
            // A port of its own: UseKestrel(0) on this derived factory does not reach the host it builds, which then
            // took Kestrel's default 5000 and failed whenever another checkout's tests held it.
            host.UseUrls("http://127.0.0.1:0");
        });
        factory.UseKestrel(0);
        factory.StartServer();
        BaseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single());
        emulator.SetWebhookEndpoint(new Uri(BaseAddress, "/webhooks/stripe").ToString(), WebhookSecret);
    }

    /// <summary>The settings of a host of the test cluster <paramref name="cluster"/>, keyed as configuration.</summary>
    public static Dictionary<string, string> Settings(string cluster) => new()
    {
        ["ConnectionStrings:Crowdfund"] = TestDatabase.ConnectionString,
        ["Crowdfund:Silo:ClusterId"] = cluster,
        ["Crowdfund:Silo:ServiceId"] = cluster,
        ["Crowdfund:Silo:SiloPort"] = TestSilo.FreePort().ToString(),
        ["Crowdfund:Silo:GatewayPort"] = TestSilo.FreePort().ToString(),
        ["Crowdfund:Silo:DirectoryCacheSize"] = DirectoryCacheSize.ToString(),
        ["Crowdfund:TeamApiKey"] = TeamKey,
        ["Crowdfund:TokenSecret"] = TokenSecret,
        ["Crowdfund:Stripe:ApiBase"] = Emulator.BaseUrl,
        ["Crowdfund:Stripe:SecretKey"] = Emulator.SecretKey,
        ["Crowdfund:Stripe:PublishableKey"] = Emulator.PublishableKey,
        ["Crowdfund:Stripe:WebhookSecret"] = WebhookSecret,
        // Hosts of other clusters share the test database: only the host whose tests read the mail delivers it.
        ["Crowdfund:Outbox:Enabled"] = "false",
    };

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (factory is not null) await factory.DisposeAsync();
        if (emulator is not null) await emulator.DisposeAsync();
    }

    public static HttpClient Client() => new() { BaseAddress = BaseAddress };

    public static HttpClient Team()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TeamKey);
        return client;
    }

    /// <summary>Creates and launches a campaign over the team API: five countries, a limited tier and a standard one.</summary>
    public static async Task<string> LaunchCampaignAsync(string prefix, int earlyLimit = 10, bool launch = true,
        HttpClient? client = null, int goalUnits = 500, DateTimeOffset? deadline = null)
    {
        var slug = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        using var own = client is null ? Team() : null;
        var team = client ?? own!;
        var created = await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Retro phone", product = "Cordless retro landline", goalUnits,
            deadline = deadline ?? DateTimeOffset.UtcNow.AddDays(30),
            countries = new object[]
            {
                new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true },
                new { country = "DE", currency = "EUR", taxRateBasisPoints = 1900, pricesIncludeTax = true },
                new { country = "ES", currency = "EUR", taxRateBasisPoints = 2100, pricesIncludeTax = true },
                new { country = "US", currency = "USD", taxRateBasisPoints = 0, pricesIncludeTax = false },
                new { country = "CA", currency = "CAD", taxRateBasisPoints = 1300, pricesIncludeTax = false },
            },
        });
        Assert.That((int)created.StatusCode, Is.EqualTo(201), await created.Content.ReadAsStringAsync());
        var shipping = new Dictionary<string, long> { ["FR"] = 900, ["DE"] = 900, ["ES"] = 900, ["US"] = 1500 };
        await PutTierAsync(team, slug, "early", new
        {
            name = "Early bird", prices = new { EUR = 7900, USD = 8900, CAD = 11900 }, limit = earlyLimit, maxPerBacker = 2,
            shipsTo = new[] { "FR", "DE", "ES", "US" }, shipping, estimatedDelivery = "2027-09", numberedEdition = true,
        });
        await PutTierAsync(team, slug, "standard", new
        {
            name = "Standard", prices = new { EUR = 9900, USD = 10900, CAD = 14900 },
            shipsTo = new[] { "FR", "DE", "ES", "US", "CA" },
            shipping = new Dictionary<string, long>(shipping) { ["CA"] = 1500 }, estimatedDelivery = "2027-10",
        });
        if (launch)
        {
            var launched = await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null);
            Assert.That((int)launched.StatusCode, Is.EqualTo(200), await launched.Content.ReadAsStringAsync());
        }
        return slug;
    }

    private static async Task PutTierAsync(HttpClient team, string slug, string tierId, object tier)
    {
        var put = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/{tierId}", tier);
        Assert.That((int)put.StatusCode, Is.EqualTo(200), await put.Content.ReadAsStringAsync());
    }
}
