namespace Crowdfund.Messages.Payments;

/// <summary>
/// A provider event about one of Crowdfund's objects, verified and reduced to what the grains act on. Events can come
/// twice, late or out of order: <see cref="Created"/> orders those about the same object.
/// </summary>
/// <param name="Id">The provider's event id ("evt_..."), unique: the key events are recorded once by.</param>
/// <param name="Type">The provider's event type ("setup_intent.succeeded").</param>
/// <param name="ObjectId">The object the event is about ("seti_...").</param>
/// <param name="PledgeId">From the object's metadata; null for objects Crowdfund did not create.</param>
/// <param name="SetupAttempt">From the object's metadata: which setup of the pledge this was.</param>
/// <param name="FailureCode">The error code of a failure ("card_declined").</param>
/// <param name="DeclineCode">The bank's reason ("insufficient_funds").</param>
/// <param name="ChargeAttempt">From a payment's metadata: which charge of the pledge this was.</param>
/// <param name="PaymentIntentId">The payment the event concerns ("pi_..."), for events about charges, refunds and
/// disputes too: disputes carry no metadata of ours, so the pledge is found from its payment.</param>
/// <param name="Amount">The payment's amount, or the dispute's; <paramref name="AmountReceived"/> what the payment took;
/// <paramref name="AmountRefunded"/> what a charge gave back in total so far.</param>
/// <param name="DisputeId">A dispute's id ("dp_..."), its <paramref name="DisputeStatus"/> ("needs_response", "won", "lost")
/// and <paramref name="DisputeReason"/>.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.PaymentEvent")]
public sealed record PaymentEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset Created,
    [property: Id(3)] string ObjectId,
    [property: Id(4)] Guid? PledgeId,
    [property: Id(5)] int? SetupAttempt,
    [property: Id(6)] string? CustomerId,
    [property: Id(7)] string? PaymentMethodId,
    [property: Id(8)] string? Status,
    [property: Id(9)] string? FailureCode,
    [property: Id(10)] string? DeclineCode,
    [property: Id(11)] string? FailureMessage,
    [property: Id(12)] int? ChargeAttempt = null,
    [property: Id(13)] string? PaymentIntentId = null,
    [property: Id(14)] long? Amount = null,
    [property: Id(15)] long? AmountReceived = null,
    [property: Id(16)] long? AmountRefunded = null,
    [property: Id(17)] string? Currency = null,
    [property: Id(18)] string? DisputeId = null,
    [property: Id(19)] string? DisputeStatus = null,
    [property: Id(20)] string? DisputeReason = null)
{
    public const string SetupSucceeded = "setup_intent.succeeded";
    public const string SetupFailed = "setup_intent.setup_failed";
    public const string SetupRequiresAction = "setup_intent.requires_action";
    public const string PaymentSucceeded = "payment_intent.succeeded";
    public const string PaymentFailed = "payment_intent.payment_failed";
    public const string PaymentRequiresAction = "payment_intent.requires_action";
    public const string ChargeRefunded = "charge.refunded";
    public const string DisputeCreated = "charge.dispute.created";
    public const string DisputeClosed = "charge.dispute.closed";
}
