namespace Crowdfund.Messages;

/// <summary>Stable error codes of team commands on a campaign; the edge maps each to a problem type.</summary>
public static class CampaignErrors
{
    public const string NotFound = "campaign-not-found";
    public const string AlreadyExists = "campaign-exists";
    public const string NotDraft = "campaign-not-draft";
    public const string Invalid = "validation-failed";
    public const string LaunchBlocked = "launch-blocked";
    public const string TierNotFound = "tier-not-found";
}
