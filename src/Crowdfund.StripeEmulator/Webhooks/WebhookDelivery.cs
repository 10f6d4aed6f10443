namespace Crowdfund.StripeEmulator;

/// <summary>
/// One attempt to deliver an event to a webhook endpoint: the HTTP status the receiver answered, or the error when
/// it did not answer (refused, timed out). Only 2xx counts as delivered; anything else is retried with backoff.
/// </summary>
/// <param name="EventId">The event, <c>evt_...</c>.</param>
/// <param name="EventType">Its type, such as <c>payment_intent.succeeded</c>.</param>
/// <param name="Url">The endpoint.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="AttemptedAt">When the attempt was sent.</param>
/// <param name="StatusCode">The receiver's HTTP status; null when it did not answer.</param>
/// <param name="Error">Why there was no answer, when there was none.</param>
/// <param name="Succeeded">The receiver answered 2xx.</param>
public sealed record WebhookDelivery(
    string EventId,
    string EventType,
    string Url,
    int Attempt,
    DateTimeOffset AttemptedAt,
    int? StatusCode,
    string? Error,
    bool Succeeded);
