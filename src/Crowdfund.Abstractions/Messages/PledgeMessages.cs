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
    [property: Id(8)] byte[] RequestHash);

/// <summary>Why a pledge operation was refused. Each maps to one stable problem type at the edge.</summary>
[GenerateSerializer, Alias("crowdfund.Refusal")]
public enum Refusal
{
    None,
    CampaignNotFound,
    TierNotFound,
    CampaignNotLive,
    CountryNotOpen,
    NotShippingThere,
    QuantityOutOfRange,
    SoldOut,
    /// <summary>The idempotency key was used before with another request.</summary>
    IdempotencyKeyReused,
    PledgeNotFound,
    /// <summary>The pledge is in a state that does not allow the operation (cancelled, expired...).</summary>
    InvalidPledgeState,
}

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
