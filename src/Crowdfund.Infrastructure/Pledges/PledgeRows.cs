using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>A new pledge row, written by the tier grain through <see cref="PledgeWriter"/>.</summary>
public sealed record NewPledge(
    Guid Id,
    string CampaignId,
    string TierId,
    string Country,
    int Quantity,
    int Units,
    AmountLines Amounts,
    string BackerName,
    string BackerEmail,
    ShippingAddress Address,
    byte[] TokenHash,
    string IdempotencyKey,
    byte[] RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset HoldExpiresAt);

/// <summary>What a tier keeps in memory of each of its live (reserved or confirmed) pledges.</summary>
public sealed record LivePledge(
    Guid Id,
    string Country,
    int Quantity,
    int Units,
    PledgeStatus Status,
    string Currency,
    long Total,
    DateTimeOffset? HoldExpiresAt);

/// <summary>A pledge row as the pledge grain reads it.</summary>
public sealed record PledgeRecord(
    Guid Id,
    string CampaignId,
    string TierId,
    string Country,
    int Quantity,
    int Units,
    PledgeStatus Status,
    AmountLines Amounts,
    byte[] TokenHash,
    byte[] RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? HoldExpiresAt,
    DateTimeOffset? ConfirmedAt)
{
    public PledgeView ToView() => new(Id, CampaignId, TierId, Country, Quantity, Units, Status, Amounts, CreatedAt,
        Status == PledgeStatus.Reserved ? HoldExpiresAt : null, ConfirmedAt);
}
