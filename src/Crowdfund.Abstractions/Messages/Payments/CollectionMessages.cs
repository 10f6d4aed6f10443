namespace Crowdfund.Messages.Payments;

/// <summary>What one collection call did to a pledge.</summary>
[GenerateSerializer, Alias("crowdfund.CollectStep")]
public enum CollectStep
{
    /// <summary>Nothing was due (a final state, or a failed charge whose next try is later).</summary>
    NotDue,
    Collected,
    Failed,
    ActionRequired,
    Dropped,

    /// <summary>The provider could not be reached: the same charge is tried again later, under the same key.</summary>
    Retry,

    /// <summary>The provider has not settled the charge yet; its events will.</summary>
    Pending,

    /// <summary>A failed campaign let the pledge's cards go.</summary>
    Released,
}

/// <summary>The payment of a pledge as its backer sees it.</summary>
/// <param name="Amount">The pledge's stored total; <paramref name="Collected"/> and <paramref name="Refunded"/> what moved.</param>
/// <param name="FixBy">While a charge failed or needs authentication: until when the backer can fix it.</param>
/// <param name="Action">When the bank asks the backer to authenticate: what the browser confirms the payment with.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] Guid PledgeId,
    [property: Id(1)] PledgeStatus Status,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] long Collected,
    [property: Id(5)] long Refunded,
    [property: Id(6)] int ChargeAttempts,
    [property: Id(7)] string? FailureCode,
    [property: Id(8)] string? DeclineCode,
    [property: Id(9)] DateTimeOffset? FixBy,
    [property: Id(10)] DateTimeOffset? NextChargeAt,
    [property: Id(11)] PaymentAction? Action);

/// <summary>A payment the backer confirms in the browser (Stripe.js confirmCardPayment, or the emulator's page).</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.PaymentAction")]
public sealed record PaymentAction(
    [property: Id(0)] string PaymentIntentId,
    [property: Id(1)] string ClientSecret,
    [property: Id(2)] string? PaymentMethodId);

[GenerateSerializer, Immutable, Alias("crowdfund.PaymentResult")]
public sealed record PaymentResult([property: Id(0)] Refusal Refusal, [property: Id(1)] PaymentView? Payment)
{
    public static PaymentResult Refused(Refusal refusal) => new(refusal, null);
}

/// <summary>A refund as the team sees it, with the pledge's amounts after it.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.RefundView")]
public sealed record RefundView(
    [property: Id(0)] Guid PledgeId,
    [property: Id(1)] string RequestKey,
    [property: Id(2)] string Status,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? RefundId,
    [property: Id(6)] PledgeStatus PledgeStatus,
    [property: Id(7)] long Collected,
    [property: Id(8)] long Refunded);

[GenerateSerializer, Immutable, Alias("crowdfund.RefundResult")]
public sealed record RefundOutcome([property: Id(0)] Refusal Refusal, [property: Id(1)] RefundView? Refund)
{
    public static RefundOutcome Refused(Refusal refusal) => new(refusal, null);
}

/// <summary>Where a collection run is. Stored by name.</summary>
[GenerateSerializer, Alias("crowdfund.CollectionStatus")]
public enum CollectionStatus { Running, Paused, Finished }

/// <summary>What a run does: charge (the campaign succeeded) or let the cards go (it failed).</summary>
[GenerateSerializer, Alias("crowdfund.CollectionKind")]
public enum CollectionKind { Collect, Release }

/// <summary>A collection run as the team watches it.</summary>
/// <param name="Pledges">Pledges by status (every status the campaign's pledges are in).</param>
/// <param name="Remaining">Pledges still to charge now: confirmed, or pending an answer.</param>
/// <param name="ChargesPerSecond">Charges settled per second over the last seconds.</param>
/// <param name="CollectedUnits">Units of collected pledges (in full or in part), against <paramref name="GoalUnits"/>.</param>
/// <param name="CollectableUnits">Units that are collected or may still be: below the goal, the partner must be told.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.CollectionView")]
public sealed record CollectionView(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] CollectionKind Kind,
    [property: Id(2)] CollectionStatus Status,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt,
    [property: Id(5)] IReadOnlyDictionary<PledgeStatus, int> Pledges,
    [property: Id(6)] int Remaining,
    [property: Id(7)] double ChargesPerSecond,
    [property: Id(8)] DateTimeOffset? EstimatedEnd,
    [property: Id(9)] int GoalUnits,
    [property: Id(10)] int CollectedUnits,
    [property: Id(11)] int CollectableUnits,
    [property: Id(12)] bool BelowGoal,
    [property: Id(13)] IReadOnlyList<CollectedFigures> ByCountry,
    [property: Id(14)] IReadOnlyList<CollectedFigures> ByTier);

/// <summary>Collected units and money of one country or tier, in one currency (each currency on its own line).</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.CollectedFigures")]
public sealed record CollectedFigures(
    [property: Id(0)] string Key,
    [property: Id(1)] string Currency,
    [property: Id(2)] int CollectedUnits,
    [property: Id(3)] long Collected,
    [property: Id(4)] long Refunded,
    [property: Id(5)] int DroppedUnits);

[GenerateSerializer, Immutable, Alias("crowdfund.CollectionResult")]
public sealed record CollectionResult([property: Id(0)] Refusal Refusal, [property: Id(1)] CollectionView? Collection)
{
    public static CollectionResult Refused(Refusal refusal) => new(refusal, null);
}
