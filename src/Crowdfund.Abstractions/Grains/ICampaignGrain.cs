using Crowdfund.Domain;
using Crowdfund.Messages;
using Orleans.Concurrency;

namespace Crowdfund.Grains;

/// <summary>
/// One campaign, keyed by its slug: its definition and lifecycle, the aggregate counters of its tiers, the
/// threshold and milestones, and the deadline reminder.
/// </summary>
public interface ICampaignGrain : IGrainWithStringKey
{
    /// <summary>Creates the campaign in draft. Fails if the slug is taken.</summary>
    Task<CampaignCommandResult> CreateAsync(CampaignDefinition definition);

    /// <summary>Replaces the definition; draft only.</summary>
    Task<CampaignCommandResult> UpdateAsync(CampaignDefinition definition);

    /// <summary>Adds or replaces a tier; draft only.</summary>
    Task<CampaignCommandResult> PutTierAsync(TierDefinition tier);

    /// <summary>Removes a tier; draft only.</summary>
    Task<CampaignCommandResult> RemoveTierAsync(string tierId);

    /// <summary>Checks everything launch needs, names each problem, and goes Live when there are none.</summary>
    Task<CampaignCommandResult> LaunchAsync();

    /// <summary>The campaign's definition and status, or null when it does not exist.</summary>
    Task<CampaignInfo?> GetInfoAsync();

    /// <summary>What the public sees, or null when the campaign does not exist or is still a draft.</summary>
    Task<PublicCampaign?> GetPublicAsync();

    /// <summary>The whole team dashboard from memory, or null when the campaign does not exist.</summary>
    Task<Dashboard?> GetDashboardAsync();

    /// <summary>A tier's latest counters. One-way: the tier never waits on the campaign.</summary>
    [OneWay]
    Task ReportTierAsync(TierSnapshot snapshot);

    /// <summary>Asks every tier for its counters now (after a restart, or before a check).</summary>
    Task RefreshAsync();

    /// <summary>Ends the campaign if its deadline has passed; the deadline reminder calls it.</summary>
    Task<CampaignStatus> CheckDeadlineAsync();

    /// <summary>
    /// Records a moment of the campaign's life after its end (the collection's), once per kind; false when it was
    /// recorded already. The team's dashboard shows it with the milestones.
    /// </summary>
    Task<bool> RecordEventAsync(string kind, int units);
}
