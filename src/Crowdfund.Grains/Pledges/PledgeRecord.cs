using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Pledges;

/// <summary>A pledge row as the pledge grain reads it. <paramref name="Version"/> grows with every write of the row.</summary>
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
    DateTimeOffset? ConfirmedAt,
    int Version)
{
    public PledgeView ToView() => new(Id, CampaignId, TierId, Country, Quantity, Units, Status, Amounts, CreatedAt,
        Status == PledgeStatus.Reserved ? HoldExpiresAt : null, ConfirmedAt);
}

/// <summary>
/// A pledge's new row, written only if the row is still at <paramref name="ExpectedVersion"/> and, when
/// <paramref name="WhileCampaignLive"/>, only while its campaign is live (a backer's change never passes the end).
/// </summary>
public sealed record PledgeUpdate(
    Guid Id,
    int ExpectedVersion,
    PledgeStatus Status,
    string TierId,
    int Quantity,
    int Units,
    AmountLines Amounts,
    DateTimeOffset Now,
    bool WhileCampaignLive);

/// <summary>What became of a <see cref="PledgeUpdate"/>.</summary>
public enum PledgeWrite
{
    Written,

    /// <summary>The row moved on since it was read (its tier expired it, say); nothing was written.</summary>
    Conflict,

    /// <summary>The campaign is no longer live; nothing was written.</summary>
    CampaignNotLive,
}
