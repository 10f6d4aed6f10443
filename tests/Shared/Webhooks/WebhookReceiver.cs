using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Testing;

/// <summary>
/// A real webhook endpoint on loopback (Kestrel), shared by the tests that receive Stripe's webhooks: it records what it
/// receives, with its Stripe-Signature header, and answers 500 to the first <c>failFirst</c> requests.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<(string Body, string Signature)> received = [];
    private int failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        this.app = app;
        failuresLeft = failFirst;
    }

    public string Url { get; private set; } = "";

    public IReadOnlyList<(string Body, string Signature)> Received
    {
        get { lock (received) return received.ToList(); }
    }

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/webhooks/stripe";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        lock (received) received.Add((body, context.Request.Headers["Stripe-Signature"].ToString()));
        context.Response.StatusCode = Interlocked.Decrement(ref failuresLeft) >= 0 ? 500 : 200;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
