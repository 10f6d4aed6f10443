using System.Globalization;
using System.Text.Json;
using Crowdfund.Grains.Payments;
using Crowdfund.Messages.Payments;
using Stripe;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// Verifies the body of a Stripe webhook (signature under the endpoint's secret, timestamp within the tolerance) and
/// reduces the event to the <see cref="PaymentEvent"/> the grains act on. Any event type parses, so that the edge can
/// record and ignore what it does not handle; only objects Crowdfund created carry a pledge id. Setups, payments,
/// charges (refunds) and disputes are read into their fields; a dispute has no metadata of ours, so its event names the
/// payment and the pledge is found from it. Currencies are upper case, as the rest of Crowdfund writes them.
/// </summary>
public sealed class StripeWebhooks
{
    private readonly string secret;
    private readonly long toleranceSeconds;
    private readonly TimeProvider time;

    public StripeWebhooks(StripeOptions options, TimeProvider? time = null)
    {
        secret = options.WebhookSecret;
        toleranceSeconds = (long)options.WebhookTolerance.TotalSeconds;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>The verified event, reduced.</summary>
    /// <param name="body">The request body exactly as received: the signature covers its bytes.</param>
    /// <param name="signatureHeader">The <c>Stripe-Signature</c> header.</param>
    /// <exception cref="WebhookRejectedException">Not a recent, correctly signed Stripe event.</exception>
    public PaymentEvent Verify(string body, string? signatureHeader)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
            throw new WebhookRejectedException(WebhookRefusal.MissingSignature, "The webhook has no Stripe-Signature header.");
        // Read first, so that a header Stripe.net would trip over (no t=, no v1=) is refused by name.
        if (SignedAt(signatureHeader) is not { } signedAt)
            throw new WebhookRejectedException(WebhookRefusal.MalformedSignature, "The webhook's Stripe-Signature header is not of the form t=...,v1=....");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(body, signatureHeader, secret, toleranceSeconds, now);
        }
        catch (StripeException refused)
        {
            throw Explain(body, signatureHeader, signedAt, now, refused);
        }
        catch (Exception unreadable) when (unreadable is JsonException or ArgumentException or FormatException)
        {
            throw new WebhookRejectedException(WebhookRefusal.Unreadable, "The webhook is signed but its body is not a Stripe event.", unreadable);
        }
        return Reduce(stripeEvent, body);
    }

    /// <summary>ConstructEvent says only that it refused: find which check failed, the signature's first, as it does.</summary>
    private WebhookRejectedException Explain(string body, string header, long signedAt, long now, StripeException refused)
    {
        try
        {
            EventUtility.ValidateSignature(body, header, secret, long.MaxValue, now);
        }
        catch (StripeException)
        {
            return new WebhookRejectedException(WebhookRefusal.BadSignature, "The webhook's signature does not match its body under the endpoint's secret.");
        }
        if (Math.Abs(now - signedAt) > toleranceSeconds)
            return new WebhookRejectedException(WebhookRefusal.Stale, $"The webhook was signed {now - signedAt} s from now, outside the tolerance of {toleranceSeconds} s.");
        return new WebhookRejectedException(WebhookRefusal.Unreadable, "The webhook is signed but Stripe.net cannot read its event (another API version?).", refused);
    }

    private static PaymentEvent Reduce(Event stripeEvent, string body)
    {
        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        var (objectId, metadata) = stripeEvent.Data?.Object is IHasId typed
            ? (typed.Id, (typed as IHasMetadata)?.Metadata)
            : Untyped(body);
        var reduced = new PaymentEvent(
            stripeEvent.Id,
            stripeEvent.Type,
            created,
            objectId ?? "",
            metadata?.GetValueOrDefault(PaymentMetadata.PledgeId) is { } pledge && Guid.TryParse(pledge, out var pledgeId) ? pledgeId : null,
            Number(metadata, PaymentMetadata.SetupAttempt),
            null, null, null, null, null, null,
            ChargeAttempt: Number(metadata, PaymentMetadata.ChargeAttempt));
        return stripeEvent.Data?.Object switch
        {
            SetupIntent setup => reduced with
            {
                CustomerId = setup.CustomerId,
                PaymentMethodId = setup.PaymentMethodId,
                Status = setup.Status,
                FailureCode = setup.LastSetupError?.Code,
                DeclineCode = setup.LastSetupError?.DeclineCode,
                FailureMessage = setup.LastSetupError?.Message,
            },
            PaymentIntent intent => reduced with
            {
                PaymentIntentId = intent.Id,
                CustomerId = intent.CustomerId,
                // A declined payment lets go of its card; the error still names it.
                PaymentMethodId = intent.PaymentMethodId ?? intent.LastPaymentError?.PaymentMethod?.Id,
                Status = intent.Status,
                FailureCode = intent.LastPaymentError?.Code,
                DeclineCode = intent.LastPaymentError?.DeclineCode,
                FailureMessage = intent.LastPaymentError?.Message,
                Amount = intent.Amount,
                AmountReceived = intent.AmountReceived,
                Currency = intent.Currency?.ToUpperInvariant(),
            },
            Charge charge => reduced with
            {
                PaymentIntentId = charge.PaymentIntentId,
                CustomerId = charge.CustomerId,
                Status = charge.Status,
                Amount = charge.Amount,
                AmountRefunded = charge.AmountRefunded,
                Currency = charge.Currency?.ToUpperInvariant(),
            },
            Dispute dispute => reduced with
            {
                PaymentIntentId = dispute.PaymentIntentId,
                Status = dispute.Status,
                Amount = dispute.Amount,
                Currency = dispute.Currency?.ToUpperInvariant(),
                DisputeId = dispute.Id,
                DisputeStatus = dispute.Status,
                DisputeReason = dispute.Reason,
            },
            _ => reduced,
        };
    }

    private static int? Number(Dictionary<string, string>? metadata, string key) =>
        metadata?.GetValueOrDefault(key) is { } text
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>The id and metadata of an object Stripe.net has no type for, from the JSON itself.</summary>
    private static (string? Id, Dictionary<string, string>? Metadata) Untyped(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("object", out var item)
            || item.ValueKind != JsonValueKind.Object)
            return (null, null);
        var id = item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        if (!item.TryGetProperty("metadata", out var values) || values.ValueKind != JsonValueKind.Object) return (id, null);
        var metadata = values.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (id, metadata);
    }

    /// <summary>The t= of a header that also has a v1=; null when it has not both.</summary>
    private static long? SignedAt(string header)
    {
        long? signedAt = null;
        var signed = false;
        foreach (var item in header.Split(','))
        {
            var parts = item.Trim().Split('=', 2);
            if (parts.Length != 2) return null;
            if (parts[0] == "t")
            {
                // Stripe.net reads the timestamp as a 32-bit number.
                if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return null;
                signedAt = seconds;
            }
            else if (parts[0] == "v1" && parts[1].Length > 0)
            {
                signed = true;
            }
        }
        return signed ? signedAt : null;
    }
}
