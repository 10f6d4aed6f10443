using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Pledges;

/// <summary>A pledge row as the pledge grain reads it. <paramref name="Version"/> grows with every write of the row.</summary>
/// <param name="SetupAttempt">How many card setups were asked for (0 before the first).</param>
/// <param name="CardAttempt">The setup attempt whose card is saved, if any.</param>
/// <param name="CustomerId">The payment provider's customer of the saved card.</param>
/// <param name="PaymentMethodId">The saved card, to be charged if the campaign succeeds.</param>
/// <param name="ChargeAttempt">How many charges were tried (0 before collection).</param>
/// <param name="CollectedAmount">What the provider took, in minor units of the pledge's currency; <paramref name="RefundedAmount"/> what it gave back.</param>
/// <param name="FixBy">The end of the window the backer has to fix a failed charge.</param>
/// <param name="NextChargeAt">When collection tries the charge again.</param>
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
    int Version,
    int SetupAttempt = 0,
    int? CardAttempt = null,
    string? CustomerId = null,
    string? PaymentMethodId = null,
    int ChargeAttempt = 0,
    long CollectedAmount = 0,
    long RefundedAmount = 0,
    DateTimeOffset? CollectedAt = null,
    DateTimeOffset? FixBy = null,
    DateTimeOffset? NextChargeAt = null)
{
    public PledgeView ToView() => new(Id, CampaignId, TierId, Country, Quantity, Units, Status, Amounts, CreatedAt,
        Status == PledgeStatus.Reserved ? HoldExpiresAt : null, ConfirmedAt);
}

/// <summary>
/// A pledge's new row, written only if the row is still at <paramref name="ExpectedVersion"/> and, when
/// <paramref name="WhileCampaignLive"/>, only while its campaign is live (a backer's change never passes the end).
/// Every field of <paramref name="Row"/> that can change is written: status, tier, quantity, units, amounts, hold,
/// setup attempt, saved card, and the charge's fields.
/// </summary>
/// <param name="Messages">Outbox messages the change causes, written in the same transaction.</param>
public sealed record PledgeUpdate(PledgeRecord Row, int ExpectedVersion, DateTimeOffset Now, bool WhileCampaignLive)
{
    public IReadOnlyList<Outbox.OutboxMessage> Messages { get; init; } = [];
}

/// <summary>What became of a <see cref="PledgeUpdate"/>.</summary>
public enum PledgeWrite
{
    Written,

    /// <summary>The row moved on since it was read (its tier expired it, say); nothing was written.</summary>
    Conflict,

    /// <summary>The campaign is no longer live; nothing was written.</summary>
    CampaignNotLive,
}
