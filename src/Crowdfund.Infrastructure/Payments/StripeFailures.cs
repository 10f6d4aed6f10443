using System.Net;
using Polly.Timeout;
using Stripe;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>Which failures of a call to Stripe are worth another attempt with the same idempotency key, and how to tell them.</summary>
internal static class StripeFailures
{
    /// <summary>
    /// Network errors, attempts that timed out, and Stripe's answers that say nothing was done or it is busy: 409 (the
    /// same key still executing), 429 (rate or lock limits) and 5xx. The rest (400, 401, 402, 404...) would fail the
    /// same way again.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        StripeException stripe => IsTransient(stripe),
        HttpRequestException or TimeoutRejectedException => true,
        _ => false,
    };

    /// <summary>
    /// The transient failures that say Stripe is down or unreachable: network errors, timeouts and 5xx. A 409 or a 429
    /// says Stripe is up and asks to wait, which the retry's backoff and the limiter already do: those do not count
    /// toward breaking the circuit, or a burst meeting a few rate limits would stop every call.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        StripeException stripe => (int)stripe.HttpStatusCode >= 500,
        HttpRequestException or TimeoutRejectedException => true,
        _ => false,
    };

    private static bool IsTransient(StripeException stripe) =>
        stripe.StripeError?.Code is "lock_timeout" or "rate_limit" or "idempotency_key_in_use"
        || stripe.HttpStatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests
        || (int)stripe.HttpStatusCode >= 500;

    /// <summary>
    /// What Stripe answered, for messages and logs: status, type, codes, parameter and request id. Stripe's own
    /// sentence is left out on purpose: it can quote what was sent (an email address).
    /// </summary>
    public static string Describe(Exception exception) => exception switch
    {
        StripeException { StripeError: { } error } stripe => string.Join(' ', new[]
        {
            $"HTTP {(int)stripe.HttpStatusCode}",
            error.Type,
            error.Code,
            error.DeclineCode is { } decline ? $"(decline {decline})" : null,
            error.Param is { } param ? $"on {param}" : null,
            stripe.StripeResponse?.RequestId is { } request ? $"[{request}]" : null,
        }.Where(part => !string.IsNullOrEmpty(part))),
        StripeException stripe => $"HTTP {(int)stripe.HttpStatusCode}",
        TimeoutRejectedException => "no answer within the attempt timeout",
        HttpRequestException http => $"network error ({http.HttpRequestError})",
        _ => exception.GetType().Name,
    };
}
