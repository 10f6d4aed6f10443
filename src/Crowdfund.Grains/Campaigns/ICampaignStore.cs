using Crowdfund.Domain;
using Crowdfund.Grains.Outbox;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Campaigns;

/// <summary>The campaign grain's port to the campaigns, their tiers and events. Every draft-only write checks the status itself.</summary>
public interface ICampaignStore
{
    Task<CampaignRecord?> GetAsync(string id);

    /// <summary>Inserts a draft; false when the slug is taken.</summary>
    Task<bool> InsertAsync(CampaignDefinition definition, DateTimeOffset now);

    /// <summary>Replaces a draft's definition; false when it is not a draft.</summary>
    Task<bool> UpdateDefinitionAsync(CampaignDefinition definition);

    /// <summary>Adds or replaces a tier of a draft, keeping its place; false when the campaign is not a draft.</summary>
    Task<bool> PutTierAsync(string campaignId, TierDefinition tier);

    /// <summary>Removes a tier of a draft; false when there is no such tier or the campaign is not a draft.</summary>
    Task<bool> RemoveTierAsync(string campaignId, string tierId);

    /// <summary>Draft to Live; false when the campaign was not a draft.</summary>
    Task<bool> LaunchAsync(string campaignId, DateTimeOffset now);

    /// <summary>
    /// Records an event once (a second call with the same kind writes nothing and returns false), together with its
    /// outbox message when it has one.
    /// </summary>
    Task<bool> RecordEventAsync(string campaignId, CampaignEvent campaignEvent, OutboxMessage? message = null);

    /// <summary>
    /// Ends a live campaign at its deadline: under a lock that no pledge change can pass, counts the confirmed units
    /// of its rows, lets <paramref name="decide"/> turn them into the final status and its message, and records both
    /// with the ending event in one transaction. Null when the campaign was not live (ended already).
    /// </summary>
    Task<CampaignEnding?> EndAsync(string campaignId, DateTimeOffset now, Func<int, CampaignEnding> decide);
}

/// <summary>
/// How a campaign ended: its final status, the confirmed units that decided it, the message that says so, and the
/// message each backer of a counted pledge gets, written in the same transaction.
/// </summary>
public sealed record CampaignEnding(CampaignStatus Status, int ConfirmedUnits, OutboxMessage Message, Func<Guid, OutboxMessage> ToBacker);
