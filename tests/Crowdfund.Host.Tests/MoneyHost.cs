using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.Grains;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>
/// A host of its own for the money after a campaign's end: its own emulator (so that the provider's events reach only
/// it) and a fake domain clock that the tests move past deadlines and fix windows. Everything else is real: Kestrel,
/// the silo, PostgreSQL, Stripe.net over HTTP, signed webhooks.
/// </summary>
internal sealed class MoneyHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> factory;

    private MoneyHost(WebApplicationFactory<Program> factory, StripeEmulatorServer emulator, FakeTimeProvider clock, Uri baseAddress,
        MailServer mail) =>
        (this.factory, Emulator, Clock, BaseAddress, Mail) = (factory, emulator, clock, baseAddress, mail);

    /// <summary>The backers' mail, received by a real SMTP server on loopback.</summary>
    public MailServer Mail { get; }

    public StripeEmulatorServer Emulator { get; }

    public FakeTimeProvider Clock { get; }

    public Uri BaseAddress { get; }

    public IGrainFactory Grains => factory.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => factory.Services;

    /// <param name="configure">Settings of the test on top of these (shorter outbox backoff, smaller batches...).</param>
    public static async Task<MoneyHost> StartAsync(Action<Dictionary<string, string>>? configure = null)
    {
        var emulator = await StripeEmulatorServer.StartAsync(new EmulatorOptions
        {
            SecretKey = "sk_test_money_tests", PublishableKey = "pk_test_money_tests", RequestsPerSecond = 0,
            WebhookRetryDelay = TimeSpan.FromMilliseconds(100), WebhookMaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        // Behind the real time, which the emulator stamps its payments with: the tests move this clock days ahead, and
        // a campaign's payments are read back since its launch.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-90));
        var settings = ApiHost.Settings(TestSilo.NewClusterId("money"));
        settings["Crowdfund:Stripe:ApiBase"] = emulator.BaseUrl;
        settings["Crowdfund:Stripe:SecretKey"] = emulator.SecretKey;
        settings["Crowdfund:Stripe:PublishableKey"] = emulator.PublishableKey;
        settings["urls"] = "http://127.0.0.1:0";
        var mail = MailServer.Start();
        settings["Crowdfund:Mail:Smtp:Host"] = "127.0.0.1";
        settings["Crowdfund:Mail:Smtp:Port"] = mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Crowdfund:Mail:Smtp:Security"] = "None";
        settings["Crowdfund:Mail:From"] = "retro-phone@crowdfund.test";
        settings["Crowdfund:Outbox:Enabled"] = "true";
        settings["Crowdfund:Outbox:PollInterval"] = "00:00:00.100";
        configure?.Invoke(settings);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in settings) host.UseSetting(key, value);
            host.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, clock));
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        emulator.SetWebhookEndpoint(new Uri(address, "/webhooks/stripe").ToString(), ApiHost.WebhookSecret);
        return new MoneyHost(factory, emulator, clock, address, mail);
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public HttpClient Team()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.TeamKey);
        return client;
    }

    /// <summary>
    /// A live campaign whose deadline is a day away on the host's clock (or <paramref name="runsFor"/>), with a small
    /// goal: a numbered limited edition, and two tiers of the manufacturer's RETRO-PHONE, one phone or a duo pack of two.
    /// </summary>
    public async Task<string> LaunchAsync(string prefix, int goalUnits, TimeSpan? runsFor = null)
    {
        using var team = Team();
        var slug = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        var created = await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Retro phone", product = "Cordless retro landline", goalUnits,
            deadline = Clock.GetUtcNow() + (runsFor ?? TimeSpan.FromDays(1)),
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
        var everywhere = new Dictionary<string, long> { ["FR"] = 900, ["DE"] = 900, ["ES"] = 900, ["US"] = 1500, ["CA"] = 1500 };
        foreach (var (tierId, tier) in new (string, object)[]
        {
            ("early", new
            {
                name = "Exclusive edition", prices = new { EUR = 7900, USD = 8900, CAD = 11900 }, limit = 10, maxPerBacker = 3,
                shipsTo = everywhere.Keys, shipping = everywhere, estimatedDelivery = "2027-09", numberedEdition = true,
            }),
            ("standard", new
            {
                name = "Standard", prices = new { EUR = 9900, USD = 10900, CAD = 14900 }, shipsTo = everywhere.Keys,
                shipping = everywhere, estimatedDelivery = "2027-10", sku = "RETRO-PHONE",
            }),
            ("duo", new
            {
                name = "Duo pack", prices = new { EUR = 18900, USD = 20900, CAD = 27900 }, unitsPerReward = 2,
                shipsTo = everywhere.Keys, shipping = everywhere, estimatedDelivery = "2027-10", sku = "RETRO-PHONE",
            }),
        })
        {
            var put = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/{tierId}", tier);
            Assert.That((int)put.StatusCode, Is.EqualTo(200), await put.Content.ReadAsStringAsync());
        }
        var launched = await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null);
        Assert.That((int)launched.StatusCode, Is.EqualTo(200), await launched.Content.ReadAsStringAsync());
        return slug;
    }

    /// <summary>A pledge reserved and confirmed with <paramref name="card"/> saved, as a backer's page does it.</summary>
    public async Task<Backer> PledgeAsync(string slug, string country, string card = "pm_card_visa", string tierId = "standard",
        int quantity = 1)
    {
        using var client = Client();
        var postal = country switch { "DE" => "10117", "ES" => "28001", "US" => "94103", "CA" => "K1A 0B1", _ => "75002" };
        var email = $"backer-{Guid.NewGuid():N}@example.com";
        var made = await Http.PostPledgeAsync(client, slug, Http.Pledge(tierId, country, quantity, postal, email));
        Assert.That((int)made.StatusCode, Is.EqualTo(201), await made.Content.ReadAsStringAsync());
        var body = await Http.JsonAsync(made);
        var backer = new Backer(body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!,
            body.GetProperty("amounts").GetProperty("total").GetInt64(), body.GetProperty("amounts").GetProperty("currency").GetString()!,
            email);
        var (status, answer) = await Http.SaveCardAsync(client, backer.Id, backer.Token, card, Emulator.BaseUrl);
        Assert.That((int)status, Is.EqualTo(200), answer.ToString());
        // A card that asks for 3-D Secure when it is saved: the backer completes it on the bank's page.
        if (answer.GetProperty("status").GetString() == "requires_action")
            Assert.That(Emulator.CompleteAuthentication(answer.GetProperty("id").GetString()!), Is.True);
        await Http.StatusAsync(client, backer.Id, backer.Token, "Confirmed");
        return backer;
    }

    /// <summary>Moves the clock past the deadline and has the campaign end, as its reminder would within a minute.</summary>
    public async Task EndAsync(string slug)
    {
        Clock.Advance(TimeSpan.FromDays(2));
        await Grains.GetGrain<ICampaignGrain>(slug).CheckDeadlineAsync();
    }

    /// <summary>The collection run once it is finished (or in <paramref name="status"/>).</summary>
    public async Task<JsonElement> CollectionAsync(string slug, string status = "Finished")
    {
        using var team = Team();
        var view = default(JsonElement);
        await Eventually.Until(async () =>
        {
            var response = await team.GetAsync($"/team/v1/campaigns/{slug}/collection");
            if (!response.IsSuccessStatusCode) return false;
            view = await Http.JsonAsync(response);
            return view.GetProperty("status").GetString() == status;
        }, $"the collection of {slug} is {status}");
        return view;
    }

    /// <summary>
    /// Locks the addresses now and reads the team's fulfilment view, which does the freeze that fell due (as the
    /// fulfilment grain's reminder would within its period); the view after it. Each answer must be a 200.
    /// </summary>
    public async Task<JsonElement> FreezeNowAsync(string slug)
    {
        using var team = Team();
        var locked = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock", new { at = Clock.GetUtcNow() });
        Assert.That(locked.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await locked.Content.ReadAsStringAsync());
        var view = await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment");
        Assert.That(view.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await view.Content.ReadAsStringAsync());
        return await Http.JsonAsync(view);
    }

    /// <summary>The team refunds the pledge, <paramref name="amount"/> in minor units or in full when null.</summary>
    public static Task<HttpResponseMessage> RefundAsync(HttpClient team, Backer backer, string key, long? amount)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/team/v1/pledges/{backer.Id}/refunds")
        {
            Content = JsonContent.Create(new { amount, reason = "Asked by the backer" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return team.SendAsync(request);
    }

    /// <summary>The pledge as its backer reads it (200, or the test fails with the answer).</summary>
    public async Task<JsonElement> PledgeViewAsync(Backer backer)
    {
        using var client = Client();
        var response = await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{backer.Id}", backer.Token));
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await Http.JsonAsync(response);
    }

    public async Task<JsonElement> PaymentAsync(Backer backer)
    {
        using var client = Client();
        return await Http.JsonAsync(await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{backer.Id}/payment", backer.Token)));
    }

    public async Task StatusAsync(Backer backer, string status)
    {
        using var client = Client();
        await Http.StatusAsync(client, backer.Id, backer.Token, status);
    }

    /// <summary>
    /// Waits for a mail to the backer whose subject contains <paramref name="subject"/>, then checks it came once: the
    /// outbox's dispatcher sends each message once, in the backer's language.
    /// </summary>
    public async Task<MimeKit.MimeMessage> MailedOnceAsync(Backer backer, string subject)
    {
        IReadOnlyList<MimeKit.MimeMessage> Matching() => Mail.Received
            .Where(m => m.To.Mailboxes.Any(a => a.Address == backer.Email) && m.Subject?.Contains(subject, StringComparison.Ordinal) == true).ToList();
        await Eventually.Until(() => Task.FromResult(Matching().Count > 0), $"a mail \"{subject}\" to the backer of {backer.Id}");
        Assert.That(Matching(), Has.Count.EqualTo(1), $"\"{subject}\" mailed once");
        return Matching()[0];
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await Emulator.DisposeAsync();
        Mail.Dispose();
    }
}

/// <summary>A fixture whose tests share one <see cref="MoneyHost"/>, started once; they run one at a time, as it has one clock.</summary>
[NonParallelizable]
public abstract class MoneyHostFixture
{
    private MoneyHost? host;

    internal MoneyHost Money => host ?? throw new InvalidOperationException("not started");

    [OneTimeSetUp]
    public async Task StartHost() => host = await MoneyHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (host is not null) await host.DisposeAsync();
    }
}

/// <summary>A pledge as its backer holds it: id, token, and the stored total in its currency.</summary>
internal sealed record Backer(string Id, string Token, long Total, string Currency, string? Email = null);
