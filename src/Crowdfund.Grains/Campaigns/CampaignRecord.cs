using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Campaigns;

/// <summary>A campaign as stored, with its tiers in display order and its recorded events.</summary>
public sealed record CampaignRecord(
    CampaignDefinition Definition,
    CampaignStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LaunchedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<TierDefinition> Tiers,
    IReadOnlyList<CampaignEvent> Events);
