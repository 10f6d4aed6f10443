using Crowdfund.Domain;

namespace Crowdfund.Messages;

[GenerateSerializer, Immutable, Alias("crowdfund.ShippingAddress")]
public sealed record ShippingAddress(
    [property: Id(0)] string Line1,
    [property: Id(1)] string? Line2,
    [property: Id(2)] string City,
    [property: Id(3)] string? Region,
    [property: Id(4)] string PostalCode);

/// <summary>Everything needed to write a new pledge; the edge has validated the backer's details already.</summary>
/// <param name="TokenHash">SHA-256 of the backer's pledge token; the token itself never leaves the edge.</param>
/// <param name="RequestHash">SHA-256 of the request body, to tell a replay from a reuse of the same idempotency key.</param>
/// <param name="Locale">The culture the backer is written to in ("fr-CA").</param>
[GenerateSerializer, Immutable, Alias("crowdfund.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] Guid PledgeId,
    [property: Id(1)] string Country,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string BackerName,
    [property: Id(4)] string BackerEmail,
    [property: Id(5)] ShippingAddress Address,
    [property: Id(6)] byte[] TokenHash,
    [property: Id(7)] string IdempotencyKey,
    [property: Id(8)] byte[] RequestHash,
    [property: Id(9)] string Locale);

/// <summary>A pledge as its backer sees it.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.PledgeView")]
public sealed record PledgeView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] string TierId,
    [property: Id(3)] string Country,
    [property: Id(4)] int Quantity,
    [property: Id(5)] int Units,
    [property: Id(6)] PledgeStatus Status,
    [property: Id(7)] AmountLines Amounts,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? HoldExpiresAt,
    [property: Id(10)] DateTimeOffset? ConfirmedAt);

/// <summary>The outcome of a pledge operation: the pledge, or why it was refused.</summary>
/// <param name="Replayed">True when an earlier request with the same idempotency key had already written this pledge.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.PledgeResult")]
public sealed record PledgeResult(
    [property: Id(0)] PledgeView? Pledge,
    [property: Id(1)] Refusal Refusal,
    [property: Id(2)] bool Replayed = false)
{
    public static PledgeResult Refused(Refusal refusal) => new(null, refusal);
    public static PledgeResult Ok(PledgeView pledge, bool replayed = false) => new(pledge, Refusal.None, replayed);
}

/// <summary>
/// A tier's answer to a pledge that wants to change: the refusal, or the new amount lines and units, with the
/// rewards it needs held until the pledge's row is written and the tier syncs it.
/// </summary>
[GenerateSerializer, Immutable, Alias("crowdfund.ChangeHold")]
public sealed record ChangeHold(
    [property: Id(0)] Refusal Refusal,
    [property: Id(1)] AmountLines? Amounts,
    [property: Id(2)] int Units)
{
    public static ChangeHold Refused(Refusal refusal) => new(refusal, null, 0);
}
