using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Tiers;

/// <summary>A new pledge row, written as Reserved by the tier grain through <see cref="IPledgeWriter"/>.</summary>
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
    DateTimeOffset HoldExpiresAt,
    string Locale);

/// <summary>What a tier keeps in memory of each pledge that holds its rewards.</summary>
public sealed record LivePledge(
    Guid Id,
    string Country,
    int Quantity,
    int Units,
    PledgeStatus Status,
    string Currency,
    long Total,
    DateTimeOffset? HoldExpiresAt);

/// <summary>The edition numbers of a numbered tier's pledge.</summary>
public sealed record EditionRange(Guid PledgeId, int FirstNumber, int LastNumber);
