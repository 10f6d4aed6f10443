namespace Crowdfund.Messages;

/// <summary>
/// Every reason the service gives for not doing what was asked: one closed set, used by grains and the edge alike.
/// The edge maps each to exactly one HTTP status and one stable problem type (<c>urn:crowdfund:problem:{code}</c>).
/// New values are added at the end; none is ever renamed or reused.
/// </summary>
[GenerateSerializer, Alias("crowdfund.Refusal")]
public enum Refusal
{
    /// <summary>Not a refusal: the operation went through.</summary>
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

    /// <summary>A campaign with this slug exists already.</summary>
    CampaignExists,

    /// <summary>The campaign has launched: its definition and tiers are frozen.</summary>
    CampaignNotDraft,

    /// <summary>Fields of the input are invalid; the problems name each one.</summary>
    ValidationFailed,

    /// <summary>The campaign cannot launch yet; the problems name each reason.</summary>
    LaunchBlocked,

    /// <summary>The database refused the pledge as sent although it passed validation; nothing was written.</summary>
    PledgeRejected,

    /// <summary>Too much is queued right now; retry after a moment (the Idempotency-Key makes it safe).</summary>
    Busy,

    /// <summary>A silo of the cluster is unreachable right now; retry after a moment.</summary>
    Unavailable,

    // Refusals the HTTP edge makes before any grain is called.
    Unauthorized,
    MalformedBody,
    BodyTooLarge,
    UnsupportedMediaType,
    IdempotencyKeyMissing,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    InternalError,

    /// <summary>The pledge has no card setup yet.</summary>
    SetupNotFound,

    /// <summary>The payment webhook's signature is missing, forged or stale; nothing was done.</summary>
    WebhookRejected,

    /// <summary>Only a collected pledge (in full or in part) can be refunded; a disputed one cannot.</summary>
    RefundNotAllowed,

    /// <summary>A refund never exceeds what was collected and not refunded yet.</summary>
    RefundExceedsCollected,

    /// <summary>The payment provider refused the refund.</summary>
    RefundRefused,

    /// <summary>The campaign has no collection run: it has not succeeded.</summary>
    CollectionNotFound,

    /// <summary>No such partner manufacturer (or, to a partner, a campaign or batch that is not its own).</summary>
    PartnerNotFound,

    /// <summary>A partner with this id exists already.</summary>
    PartnerExists,

    /// <summary>The campaign is manufactured by another partner already.</summary>
    CampaignHasPartner,

    /// <summary>No such key of this partner.</summary>
    PartnerKeyNotFound,

    /// <summary>No such order batch (or not one of this partner's).</summary>
    BatchNotFound,

    /// <summary>No such order (or not one of this partner's).</summary>
    OrderNotFound,

    /// <summary>The shipping address is locked: orders were frozen for the factory.</summary>
    AddressLocked,

    /// <summary>The fulfilment step asked for cannot happen yet (collection not settled, no partner linked...).</summary>
    FulfilmentNotReady,

    /// <summary>The order has shipped already with another tracking number.</summary>
    ShipmentConflict,
}
