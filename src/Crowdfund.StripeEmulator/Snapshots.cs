namespace Crowdfund.StripeEmulator;

/// <summary>An event as recorded, with the exact JSON that webhooks carry.</summary>
public sealed record EventSnapshot(string Id, string Type, DateTimeOffset Created, string ObjectId, string Json);

/// <summary>A charge, for reconciliation: <see cref="Status"/> is <c>succeeded</c> or <c>failed</c>.</summary>
public sealed record ChargeSnapshot(
    string Id,
    string? PaymentIntentId,
    string? CustomerId,
    long Amount,
    string Currency,
    string Status,
    long AmountRefunded,
    bool Disputed,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>A refund (refunds succeed at once in the emulator).</summary>
public sealed record RefundSnapshot(string Id, string ChargeId, string? PaymentIntentId, long Amount, string Currency);

/// <summary>A dispute: <see cref="Status"/> is <c>needs_response</c>, <c>under_review</c>, <c>won</c> or <c>lost</c>.</summary>
public sealed record DisputeSnapshot(string Id, string ChargeId, string? PaymentIntentId, long Amount, string Currency, string Status);

/// <summary>
/// Counts of what the emulator answered: <paramref name="Requests"/> made with the secret key, <paramref name="RateLimited"/>
/// of them refused with 429 for going past the rate (injected faults not counted), and <paramref name="SetupIntents"/> made.
/// </summary>
public sealed record EmulatorStats(long Requests, long RateLimited, int SetupIntents);
