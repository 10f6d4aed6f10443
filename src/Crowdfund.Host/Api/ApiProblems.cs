using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Host.Api;

/// <summary>
/// Every refusal of the API is a problem+json whose "type" is "urn:crowdfund:problem:{code}". The codes are a
/// contract: clients branch on them, so they never change once published.
/// </summary>
public static class ApiProblems
{
    public const string TypePrefix = "urn:crowdfund:problem:";

    public static IResult Of(int status, string code, string title, IReadOnlyList<Problem>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is { Count: > 0 })
            extensions["errors"] = errors.Select(e => new { field = e.Field, code = e.Code, message = e.Message }).ToList();
        return Results.Problem(statusCode: status, type: TypePrefix + code, title: title, extensions: extensions);
    }

    public static IResult Validation(IReadOnlyList<Problem> errors) =>
        Of(StatusCodes.Status422UnprocessableEntity, "validation-failed", "The request has invalid fields.", errors);

    public static IResult Unauthorized() =>
        Of(StatusCodes.Status401Unauthorized, "unauthorized", "Missing or wrong credentials.");

    public static IResult For(Refusal refusal) => refusal switch
    {
        Refusal.CampaignNotFound => Of(404, "campaign-not-found", "No such campaign."),
        Refusal.TierNotFound => Of(404, "tier-not-found", "No such reward tier in this campaign."),
        Refusal.CampaignNotLive => Of(409, "campaign-not-live", "The campaign does not take pledges or changes now."),
        Refusal.CountryNotOpen => Of(422, "country-not-open", "The campaign is not open in this country."),
        Refusal.NotShippingThere => Of(422, "not-shipping-there", "This tier does not ship to this country."),
        Refusal.QuantityOutOfRange => Of(422, "quantity-out-of-range", "The quantity is outside what this tier allows."),
        Refusal.SoldOut => Of(409, "sold-out", "Not enough rewards of this tier are left."),
        Refusal.IdempotencyKeyReused => Of(422, "idempotency-key-reused",
            "This Idempotency-Key was used before with a different request."),
        Refusal.PledgeNotFound => Of(404, "pledge-not-found", "No such pledge, or the token does not match."),
        Refusal.InvalidPledgeState => Of(409, "invalid-pledge-state", "The pledge's state does not allow this."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    public static IResult ForCampaign(string error, IReadOnlyList<Problem> problems) => error switch
    {
        CampaignErrors.NotFound => Of(404, "campaign-not-found", "No such campaign."),
        CampaignErrors.AlreadyExists => Of(409, "campaign-exists", "A campaign with this slug exists."),
        CampaignErrors.NotDraft => Of(409, "campaign-not-draft", "The campaign is no longer a draft; its definition is frozen."),
        CampaignErrors.TierNotFound => Of(404, "tier-not-found", "No such reward tier in this campaign."),
        CampaignErrors.LaunchBlocked => Of(422, "launch-blocked", "The campaign cannot launch yet.", problems),
        _ => Validation(problems),
    };
}
