namespace Crowdfund.Infrastructure.Payments;

/// <summary>Why a webhook body was refused.</summary>
public enum WebhookRefusal
{
    /// <summary>No <c>Stripe-Signature</c> header.</summary>
    MissingSignature,

    /// <summary>A header that is not <c>t=...,v1=...</c>.</summary>
    MalformedSignature,

    /// <summary>No signature in the header matches the body under the endpoint's secret: forged, altered, or another secret.</summary>
    BadSignature,

    /// <summary>Correctly signed, but at a time outside the tolerance: a replay, or a clock far off.</summary>
    Stale,

    /// <summary>Correctly signed and recent, but not an event this Stripe.net reads (another API version, not JSON).</summary>
    Unreadable,
}

/// <summary>
/// A webhook body that is not a recent, correctly signed Stripe event. The HTTP edge answers 400 and changes nothing;
/// Stripe retries a real event later.
/// </summary>
public sealed class WebhookRejectedException(WebhookRefusal reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public WebhookRefusal Reason { get; } = reason;
}
