using Crowdfund.Grains.Pledges;

namespace Crowdfund.Grains.Payments;

/// <summary>Where a charge attempt stands. Stored by name.</summary>
public enum ChargeStatus
{
    /// <summary>Written before the provider is called: the provider may or may not have the charge.</summary>
    Pending,
    Succeeded,
    Failed,
    ActionRequired,
}

/// <summary>One charge attempt of a pledge; the pledge grain is its only writer.</summary>
public sealed record PaymentCharge(
    Guid PledgeId,
    int Attempt,
    ChargeStatus Status,
    long Amount,
    string Currency,
    string? PaymentIntentId,
    string? ClientSecret,
    string? ChargeId,
    string? FailureCode,
    string? DeclineCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum RefundStatus { Pending, Succeeded, Failed }

/// <summary>A refund the team asked for, under the key of its request.</summary>
public sealed record PaymentRefund(
    Guid PledgeId,
    string RequestKey,
    RefundStatus Status,
    long Amount,
    string Currency,
    string? RefundId,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A dispute as the provider's events told it.</summary>
/// <param name="Status">The provider's status ("needs_response", "won", "lost"...).</param>
public sealed record PaymentDispute(
    string DisputeId,
    Guid PledgeId,
    string Status,
    long Amount,
    string Currency,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsClosed => Status is "won" or "lost" or "warning_closed";

    /// <summary>Closed in the merchant's favour: the pledge's money is collected again.</summary>
    public bool IsWon => Status == "won";
}

/// <summary>
/// The grains' port to the payment ledger: charges, refunds and disputes of pledges. Each write commits together with
/// the pledge's new row when one is given, and only if that row's write does (see <see cref="IPledgeStore.UpdateAsync"/>).
/// </summary>
public interface ILedgerStore
{
    Task<PaymentCharge?> GetChargeAsync(Guid pledgeId, int attempt);

    Task<PledgeWrite> SaveChargeAsync(PaymentCharge charge, PledgeUpdate? pledge);

    /// <summary>The pledge a provider payment belongs to (disputes name only the payment).</summary>
    Task<Guid?> FindPledgeByPaymentIntentAsync(string paymentIntentId);

    Task<PaymentRefund?> GetRefundAsync(Guid pledgeId, string requestKey);

    /// <summary>The amounts of a pledge's refunds still pending at the provider, and of those it made.</summary>
    Task<(long Pending, long Succeeded)> RefundTotalsAsync(Guid pledgeId);

    /// <summary>The charge that collected the pledge, if one did.</summary>
    Task<PaymentCharge?> CollectedChargeAsync(Guid pledgeId);

    Task<PledgeWrite> SaveRefundAsync(PaymentRefund refund, PledgeUpdate? pledge);

    Task<PaymentDispute?> GetDisputeAsync(string disputeId);

    Task<PledgeWrite> SaveDisputeAsync(PaymentDispute dispute, PledgeUpdate? pledge);

    /// <summary>Every card a pledge's setups saved (a replaced card too), to let them all go.</summary>
    Task<IReadOnlyList<string>> SavedCardsAsync(Guid pledgeId);
}
