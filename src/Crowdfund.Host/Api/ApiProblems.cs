using Crowdfund.Domain;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Api;

/// <summary>
/// The one place where a <see cref="Refusal"/> becomes HTTP: its status, its problem type
/// ("urn:crowdfund:problem:{code}") and its title. The codes are a contract: clients branch on them, so they never
/// change once published. Framework answers (no route, wrong method, an unhandled error) use the same vocabulary.
/// </summary>
public static class ApiProblems
{
    public const string TypePrefix = "urn:crowdfund:problem:";

    public sealed record Kind(int Status, string Code, string Title)
    {
        public string Type => TypePrefix + Code;
    }

    /// <summary>The status, code and title of a refusal; a refusal added without one fails to compile (CS8509).</summary>
#pragma warning disable CS8524 // Only named values exist; a named value missing from the switch is still an error.
    public static Kind Of(Refusal refusal) => refusal switch
    {
        Refusal.None => throw new ArgumentException("None is not a refusal.", nameof(refusal)),
        Refusal.CampaignNotFound => new(404, "campaign-not-found", "No such campaign."),
        Refusal.TierNotFound => new(404, "tier-not-found", "No such reward tier in this campaign."),
        Refusal.CampaignNotLive => new(409, "campaign-not-live", "The campaign does not take pledges or changes now."),
        Refusal.CountryNotOpen => new(422, "country-not-open", "The campaign is not open in this country."),
        Refusal.NotShippingThere => new(422, "not-shipping-there", "This tier does not ship to this country."),
        Refusal.QuantityOutOfRange => new(422, "quantity-out-of-range", "The quantity is outside what this tier allows."),
        Refusal.SoldOut => new(409, "sold-out", "Not enough rewards of this tier are left."),
        Refusal.IdempotencyKeyReused => new(422, "idempotency-key-reused", "This Idempotency-Key was used before with a different request."),
        Refusal.PledgeNotFound => new(404, "pledge-not-found", "No such pledge, or the token does not match."),
        Refusal.InvalidPledgeState => new(409, "invalid-pledge-state", "The pledge's state does not allow this."),
        Refusal.CampaignExists => new(409, "campaign-exists", "A campaign with this slug exists."),
        Refusal.CampaignNotDraft => new(409, "campaign-not-draft", "The campaign is no longer a draft; its definition is frozen."),
        Refusal.ValidationFailed => new(422, "validation-failed", "The request has invalid fields."),
        Refusal.LaunchBlocked => new(422, "launch-blocked", "The campaign cannot launch yet."),
        Refusal.PledgeRejected => new(422, "pledge-rejected", "The pledge could not be stored as sent; nothing was written."),
        Refusal.Busy => new(503, "busy", "Too many requests are waiting; retry in a moment with the same Idempotency-Key."),
        Refusal.Unavailable => new(503, "unavailable", "Part of the service is unreachable; retry in a moment with the same Idempotency-Key."),
        Refusal.Unauthorized => new(401, "unauthorized", "Missing or wrong credentials."),
        Refusal.MalformedBody => new(400, "malformed-body", "The body is not the JSON this endpoint expects."),
        Refusal.BodyTooLarge => new(413, "body-too-large", $"The body is larger than {JsonBody.MaxBytes} bytes."),
        Refusal.UnsupportedMediaType => new(415, "unsupported-media-type", "Send the body as application/json."),
        Refusal.IdempotencyKeyMissing => new(400, "idempotency-key-missing", "Send an Idempotency-Key header of 1 to 255 visible ASCII characters."),
        Refusal.BadRequest => new(400, "bad-request", "The request is malformed."),
        Refusal.NotFound => new(404, "not-found", "Nothing is here."),
        Refusal.MethodNotAllowed => new(405, "method-not-allowed", "This method is not allowed here."),
        Refusal.InternalError => new(500, "internal-error", "Something went wrong on our side; nothing was acknowledged."),
        Refusal.SetupNotFound => new(404, "setup-not-found", "This pledge has no card setup yet; ask for one first."),
        Refusal.WebhookRejected => new(400, "webhook-rejected", "The webhook's signature is missing, forged or too old."),
        Refusal.RefundNotAllowed => new(409, "refund-not-allowed", "Only a collected pledge can be refunded, and not while disputed."),
        Refusal.RefundExceedsCollected => new(422, "refund-exceeds-collected", "A refund cannot exceed what was collected and not refunded yet."),
        Refusal.RefundRefused => new(422, "refund-refused", "The payment provider refused the refund."),
        Refusal.CollectionNotFound => new(404, "collection-not-found", "The campaign has no collection: it has not succeeded."),
        Refusal.PartnerNotFound => new(404, "partner-not-found", "No such partner."),
        Refusal.PartnerExists => new(409, "partner-exists", "A partner with this id exists."),
        Refusal.CampaignHasPartner => new(409, "campaign-has-partner", "Another partner manufactures this campaign already."),
        Refusal.PartnerKeyNotFound => new(404, "partner-key-not-found", "No such key of this partner."),
        Refusal.BatchNotFound => new(404, "batch-not-found", "No such batch."),
        Refusal.OrderNotFound => new(404, "order-not-found", "No such order."),
        Refusal.AddressLocked => new(409, "address-locked", "Orders are frozen for the factory; the address can no longer change."),
        Refusal.FulfilmentNotReady => new(409, "fulfilment-not-ready", "This fulfilment step cannot happen yet."),
        Refusal.ShipmentConflict => new(409, "shipment-conflict", "The order has shipped already with another tracking number."),
    };
#pragma warning restore CS8524

    /// <summary>The refusal that describes a status code the framework answered with on its own, if any.</summary>
    public static Refusal? ForStatus(int status) => status switch
    {
        400 => Refusal.BadRequest,
        401 => Refusal.Unauthorized,
        404 => Refusal.NotFound,
        405 => Refusal.MethodNotAllowed,
        413 => Refusal.BodyTooLarge,
        415 => Refusal.UnsupportedMediaType,
        500 => Refusal.InternalError,
        503 => Refusal.Unavailable,
        _ => null,
    };

    public static ProblemHttpResult For(Refusal refusal, IReadOnlyList<Problem>? errors = null)
    {
        var kind = Of(refusal);
        var extensions = new Dictionary<string, object?>();
        if (errors is { Count: > 0 })
            extensions["errors"] = errors.Select(e => new ProblemError(e.Field, e.Code, e.Message)).ToList();
        return TypedResults.Problem(statusCode: kind.Status, type: kind.Type, title: kind.Title, extensions: extensions);
    }

    public static ProblemHttpResult Validation(IReadOnlyList<Problem> errors) => For(Refusal.ValidationFailed, errors);

    /// <summary>One named problem of a validation-failed answer.</summary>
    public sealed record ProblemError(string Field, string Code, string Message);
}
