namespace Crowdfund.Messages.Outgoing;

/// <summary>What a message to a backer is about. Stored by name in the outbox: values are only ever added.</summary>
public enum BackerMessageKind
{
    /// <summary>The card is saved: the pledge counts, and is charged only if the campaign succeeds.</summary>
    PledgeConfirmed,

    /// <summary>The campaign reached its goal: the saved card is about to be charged.</summary>
    CampaignSucceeded,

    /// <summary>The campaign missed its goal: nothing is charged, the saved card is let go.</summary>
    CampaignFailed,

    /// <summary>The pledge was charged.</summary>
    PaymentCollected,

    /// <summary>The charge was declined: replace the card before <see cref="BackerMessageV1.FixBy"/>.</summary>
    PaymentFailed,

    /// <summary>The bank asks the backer to authenticate the charge, through the link, before the fix window ends.</summary>
    ActionRequired,

    /// <summary>The fix window passed without a successful charge: the pledge is dropped.</summary>
    PledgeDropped,

    /// <summary>Money was given back, in full or in part (<see cref="BackerMessageV1.Amount"/>).</summary>
    Refunded,

    /// <summary>The order left with a carrier: <see cref="BackerMessageV1.Carrier"/> and <see cref="BackerMessageV1.TrackingNumber"/>.</summary>
    Shipped,
}

/// <summary>
/// A message to the backer of one pledge, written to the outbox with the change that causes it. It names the pledge
/// rather than carrying the backer's name or address: the dispatcher reads those (and the backer's language) from the
/// pledge when it sends, so no personal data is copied into the outbox.
/// </summary>
/// <param name="Amount">The amount the message is about, in minor units of <paramref name="Currency"/>: what was charged or refunded.</param>
/// <param name="DeclineCode">The bank's reason for a failed charge ("insufficient_funds"), to explain it to the backer.</param>
/// <param name="FixBy">The end of the fix window, for a failed charge or one needing authentication.</param>
/// <param name="OrderReference">The order's reference printed on the parcel ("CF-0000042"), for a shipment.</param>
/// <param name="Carrier">Who carries the parcel, as the factory named it, for a shipment.</param>
/// <param name="TrackingNumber">The carrier's tracking number, for a shipment.</param>
/// <param name="ShippedAt">When the parcel left, for a shipment.</param>
public sealed record BackerMessageV1(
    BackerMessageKind Kind,
    Guid PledgeId,
    string CampaignId,
    long? Amount = null,
    string? Currency = null,
    string? DeclineCode = null,
    DateTimeOffset? FixBy = null,
    string? OrderReference = null,
    string? Carrier = null,
    string? TrackingNumber = null,
    DateTimeOffset? ShippedAt = null)
{
    public const string Type = "backer.message";
    public const int Version = 1;

    /// <summary>The envelope, with an id that makes the same message about the same moment one message.</summary>
    /// <param name="occasion">What makes this message unique for its pledge and kind: a charge attempt, a refund's key.</param>
    public OutgoingMessage<BackerMessageV1> Envelope(string occasion, DateTimeOffset now) =>
        new(Type, Version, $"{PledgeId}:{Kind}:{occasion}", now, this);
}
