using Crowdfund.Grains;
using Crowdfund.Grains.Payments;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Payments;

/// <summary>
/// Stripe tells what happened to the setups (and, later, the payments) here. An event is believed only with a valid
/// signature, recent enough; it is applied by the pledge it names, recorded once by its id afterwards, and a repeat is
/// answered without acting again. Applying is itself idempotent and order-proof, so a repeat arriving while its first
/// delivery is still being applied does no harm either.
/// </summary>
public static partial class StripeWebhookEndpoints
{
    // Stripe's events about setups and payments weigh a few kilobytes; the API's own bodies are far smaller.
    private const int MaxEventBytes = 256 * 1024;

    public static void MapStripeWebhooks(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/stripe", ReceiveAsync).WithTags("Webhooks")
            .Refuses(Refusal.WebhookRejected, Refusal.BodyTooLarge, Refusal.InternalError, Refusal.Unavailable);

    private static async Task<Results<Ok<Received>, ProblemHttpResult>> ReceiveAsync(HttpRequest request, StripeWebhooks webhooks,
        IPaymentStore store, ILedgerStore ledger, IGrainFactory grains, TimeProvider clock, ILoggerFactory loggers)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxEventBytes;
        string body;
        try
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiProblems.For(Refusal.BodyTooLarge);
        }
        Messages.Payments.PaymentEvent paymentEvent;
        try
        {
            paymentEvent = webhooks.Verify(body, request.Headers["Stripe-Signature"].ToString());
        }
        catch (WebhookRejectedException rejected)
        {
            LogRejected(loggers.CreateLogger(typeof(StripeWebhookEndpoints)), rejected.Reason.ToString());
            return ApiProblems.For(Refusal.WebhookRejected);
        }
        if (await store.IsEventRecordedAsync(paymentEvent.Id)) return TypedResults.Ok(new Received(paymentEvent.Id, Repeat: true));
        // Disputes (and charges, depending on the account) carry none of our metadata: their payment names the pledge.
        var pledgeId = paymentEvent.PledgeId
            ?? (paymentEvent.PaymentIntentId is { } intent ? await ledger.FindPledgeByPaymentIntentAsync(intent) : null);
        if (pledgeId is { } pledge)
            await grains.GetGrain<IPledgeGrain>(pledge).ApplyPaymentEventAsync(paymentEvent with { PledgeId = pledge });
        var first = await store.RecordEventAsync(paymentEvent, clock.GetUtcNow());
        return TypedResults.Ok(new Received(paymentEvent.Id, Repeat: !first));
    }

    /// <summary>The answer Stripe gets: any 2xx stops its retries.</summary>
    public sealed record Received(string EventId, bool Repeat);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Stripe webhook was refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
