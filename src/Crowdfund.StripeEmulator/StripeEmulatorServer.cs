using System.Net;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Resources;
using Crowdfund.StripeEmulator.State;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Crowdfund.StripeEmulator;

/// <summary>
/// The Stripe emulator hosted in-process for tests: real Kestrel on 127.0.0.1 with a free port, so the real Stripe.net
/// client talks to it over HTTP (<c>new StripeClient(server.SecretKey, apiBase: server.BaseUrl)</c>).
/// Test mode only: it never reaches Stripe and holds everything in memory.
/// </summary>
public sealed class StripeEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Emulator emulator;

    private StripeEmulatorServer(WebApplication app, Emulator emulator, string baseUrl)
    {
        this.app = app;
        this.emulator = emulator;
        BaseUrl = baseUrl;
    }

    /// <summary>Where the emulator listens, such as <c>http://127.0.0.1:41234</c>: Stripe.net's API base.</summary>
    public string BaseUrl { get; }

    /// <summary>The secret key the API accepts (<c>sk_test_...</c>).</summary>
    public string SecretKey => emulator.SecretKey;

    /// <summary>The publishable key for Stripe.js-style calls (<c>pk_test_...</c>).</summary>
    public string PublishableKey => emulator.PublishableKey;

    /// <summary>The API version on events and answers, by default Stripe.net 53.1.0's pinned version.</summary>
    public string ApiVersion => emulator.ApiVersion;

    /// <summary>The webhook endpoints events go to, with their signing secrets.</summary>
    public IReadOnlyList<WebhookEndpointOptions> WebhookEndpoints => emulator.Webhooks.Endpoints;

    /// <summary>The injected faults, changeable at any time; see <see cref="FaultOptions"/>.</summary>
    public FaultOptions Faults
    {
        get => emulator.Faults.Options;
        set => emulator.Faults.Options = value;
    }

    /// <summary>The rate limit per API key, changeable at any time; 0 for none.</summary>
    public double RequestsPerSecond
    {
        get => emulator.RateLimiter.RequestsPerSecond;
        set => emulator.RateLimiter.RequestsPerSecond = value;
    }

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Keys, webhooks, limits and faults; keys left unset are generated.</param>
    /// <param name="timeProvider">The clock for <c>created</c>, idempotency, rate limits and webhook retries; the system's by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<StripeEmulatorServer> StartAsync(EmulatorOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(StripeEmulatorServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        Emulator? emulator = null;
        try
        {
            emulator = new Emulator(options, timeProvider ?? TimeProvider.System, loggers);
            EmulatorApp.Map(app, emulator, loggers.CreateLogger("Crowdfund.StripeEmulator"));
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new StripeEmulatorServer(app, emulator, address.TrimEnd('/'));
        }
        catch
        {
            if (emulator is not null) await emulator.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends every event to this one endpoint from now on (replacing the others); returns its signing secret.</summary>
    /// <param name="url">The receiver.</param>
    /// <param name="secret">Its <c>whsec_...</c> secret; generated when null.</param>
    public string SetWebhookEndpoint(string url, string? secret = null)
    {
        var endpoint = new WebhookEndpointOptions { Url = url, Secret = secret ?? Emulator.NewWebhookSecret() };
        emulator.Webhooks.SetEndpoints([endpoint]);
        return endpoint.Secret;
    }

    /// <summary>Replaces the webhook endpoints; events queued for removed endpoints are dropped.</summary>
    public void SetWebhookEndpoints(IEnumerable<WebhookEndpointOptions> endpoints) => emulator.Webhooks.SetEndpoints(endpoints);

    /// <summary>Every event so far, oldest first.</summary>
    public IReadOnlyList<EventSnapshot> Events() => Read(store => store.Events
        .Select(e => new EventSnapshot(e.Id, e.Type, DateTimeOffset.FromUnixTimeSeconds(e.Created), e.ObjectId, e.Json)));

    /// <summary>Every delivery attempt so far, in the order they were made.</summary>
    public IReadOnlyList<WebhookDelivery> WebhookDeliveries() => emulator.Webhooks.Deliveries;

    /// <summary>What the emulator answered so far: requests with the secret key, those refused for the rate, setups made.</summary>
    public EmulatorStats Stats()
    {
        int setups;
        lock (emulator.Store.Gate) setups = emulator.Store.SetupIntents.Count;
        return new EmulatorStats(emulator.Counters.Requests, emulator.Counters.RateLimited, setups);
    }

    /// <summary>Every charge, succeeded or failed, oldest first.</summary>
    public IReadOnlyList<ChargeSnapshot> Charges() => Read(store => store.Charges.Values.OrderBy(c => c.Seq)
        .Select(c => new ChargeSnapshot(c.Id, c.PaymentIntentId, c.CustomerId, c.Amount, c.Currency, c.Status, c.AmountRefunded, c.Disputed, new Dictionary<string, string>(c.Metadata))));

    /// <summary>Every refund, oldest first.</summary>
    public IReadOnlyList<RefundSnapshot> Refunds() => Read(store => store.Refunds.Values.OrderBy(r => r.Seq)
        .Select(r => new RefundSnapshot(r.Id, r.ChargeId, r.PaymentIntentId, r.Amount, r.Currency)));

    /// <summary>Every dispute, oldest first.</summary>
    public IReadOnlyList<DisputeSnapshot> Disputes() => Read(store => store.Disputes.Values.OrderBy(d => d.Seq)
        .Select(d => new DisputeSnapshot(d.Id, d.ChargeId, d.PaymentIntentId, d.Amount, d.Currency, d.Status)));

    /// <summary>
    /// Completes (or fails) the 3-D Secure challenge of a SetupIntent or PaymentIntent in <c>requires_action</c>, as
    /// the test page's buttons do; false when that intent waits on no challenge.
    /// </summary>
    public bool CompleteAuthentication(string intentId, bool succeed = true)
    {
        lock (emulator.Store.Gate) return Challenges.Settle(new Operation(emulator, BaseUrl), intentId, succeed) is not null;
    }

    /// <summary>Closes an open dispute as won or lost (<c>charge.dispute.closed</c> follows).</summary>
    public void CloseDispute(string disputeId, bool won)
    {
        lock (emulator.Store.Gate)
        {
            var dispute = emulator.Store.Disputes.TryGetValue(disputeId, out var found) ? found : throw new KeyNotFoundException($"No such dispute: '{disputeId}'.");
            Resources.Disputes.Close(new Operation(emulator, BaseUrl), dispute, won);
        }
    }

    /// <summary>Forgets every object, event, delivery and idempotency key; keys, endpoints and faults stay.</summary>
    public void Reset() => emulator.Reset();

    /// <summary>Stops the server and the webhook deliveries.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await emulator.DisposeAsync();
        await app.DisposeAsync();
    }

    private IReadOnlyList<T> Read<T>(Func<EmulatorStore, IEnumerable<T>> select)
    {
        lock (emulator.Store.Gate) return select(emulator.Store).ToList();
    }
}
