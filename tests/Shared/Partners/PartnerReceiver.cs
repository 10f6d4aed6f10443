using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crowdfund.Testing;

/// <summary>
/// A partner manufacturer's webhook endpoint on loopback (real Kestrel), written the way a partner would write one
/// from the README's "Partner webhooks" section, not from our code: it checks <c>Crowdfund-Signature</c> itself
/// (HMAC-SHA256 of "{t}.{body}" under the signing secret, at most five minutes old), processes each
/// Idempotency-Key once, and answers 2xx to a repeat. It can go down (the port closes) and come back on the same port.
/// </summary>
internal sealed class PartnerReceiver : IAsyncDisposable
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly int port;
    private readonly Lock gate = new();
    private readonly List<Received> received = [];
    private readonly Dictionary<string, Received> processed = new(StringComparer.Ordinal);
    private WebApplication? app;

    private PartnerReceiver(int port) => this.port = port;

    /// <summary>The partner's signing secret, as the team's registration answered it.</summary>
    public string Secret { get; set; } = "";

    // A path of its own: a port freed by an earlier test's receiver may come back to this one, and that test's
    // deliveries, still retrying, must not be taken for this one's.
    private readonly string path = $"/crowdfund/webhooks/{Guid.NewGuid():N}";

    public string Url => $"http://127.0.0.1:{port}{path}";

    /// <summary>Every request that arrived, in order, valid or not.</summary>
    public IReadOnlyList<Received> All
    {
        get { lock (gate) return received.ToList(); }
    }

    /// <summary>What the partner processed: the first valid request of each Idempotency-Key.</summary>
    public IReadOnlyList<Received> Processed
    {
        get { lock (gate) return processed.Values.OrderBy(r => r.Sequence).ToList(); }
    }

    public static async Task<PartnerReceiver> StartAsync()
    {
        // A free port, held by nobody between the probe and Kestrel's bind except in a rare race.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new PartnerReceiver(port);
        await receiver.ComeBackAsync();
        return receiver;
    }

    /// <summary>Closes the port: deliveries meet a refused connection until <see cref="ComeBackAsync"/>.</summary>
    public async Task GoDownAsync()
    {
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    public async Task ComeBackAsync()
    {
        if (app is not null) return;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var started = builder.Build();
        started.Run(HandleAsync);
        await started.StartAsync();
        app = started;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var valid = Verifies(context.Request.Headers["Crowdfund-Signature"].ToString(), body, Secret, DateTimeOffset.UtcNow);
        lock (gate)
        {
            var entry = new Received(received.Count, context.Request.Headers["Crowdfund-Event"].ToString(), key,
                Encoding.UTF8.GetString(body), valid);
            received.Add(entry);
            if (valid && key.Length > 0) processed.TryAdd(key, entry);
        }
        context.Response.StatusCode = valid ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
    }

    /// <summary>The documented check, step by step, as a partner would write it in any language.</summary>
    public static bool Verifies(string header, byte[] body, string secret, DateTimeOffset now)
    {
        string? timestamp = null, signature = null;
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t") timestamp = pair[1];
            else if (pair[0] == "v1") signature = pair[1];
        }
        if (timestamp is null || signature is null || !long.TryParse(timestamp, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync() => await GoDownAsync();

    /// <summary>One request: its event type, Idempotency-Key, body, and whether its signature verified.</summary>
    public sealed record Received(int Sequence, string Event, string Key, string Body, bool Valid)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

        public JsonElement Data => Json.GetProperty("data");
    }
}
