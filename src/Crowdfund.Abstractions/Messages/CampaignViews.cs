using Crowdfund.Domain;

namespace Crowdfund.Messages;

/// <summary>A campaign's definition and lifecycle, as stored.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.CampaignInfo")]
public sealed record CampaignInfo(
    [property: Id(0)] CampaignDefinition Definition,
    [property: Id(1)] IReadOnlyList<TierDefinition> Tiers,
    [property: Id(2)] CampaignStatus Status,
    [property: Id(3)] DateTimeOffset? LaunchedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt);

/// <summary>Public progress toward the goal.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.Progress")]
public sealed record Progress(
    [property: Id(0)] int GoalUnits,
    [property: Id(1)] int ConfirmedUnits,
    [property: Id(2)] int Percent,
    [property: Id(3)] int Backers,
    [property: Id(4)] bool ManufacturingConfirmed);

/// <summary>What the campaign shows the public: its info, its progress and what is left of each limited tier.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.PublicCampaign")]
public sealed record PublicCampaign(
    [property: Id(0)] CampaignInfo Info,
    [property: Id(1)] Progress Progress,
    [property: Id(2)] IReadOnlyDictionary<string, int?> RemainingByTier);

/// <summary>A moment the campaign records once: a milestone or manufacturing confirmed.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.CampaignEvent")]
public sealed record CampaignEvent(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] int ConfirmedUnits);

[GenerateSerializer, Immutable, Alias("crowdfund.TierFigures")]
public sealed record TierFigures(
    [property: Id(0)] string TierId,
    [property: Id(1)] int ConfirmedUnits,
    [property: Id(2)] int ReservedUnits,
    [property: Id(3)] int RewardsHeld,
    [property: Id(4)] int? Remaining,
    [property: Id(5)] int ConfirmedBackers,
    [property: Id(6)] IReadOnlyDictionary<string, long> ConfirmedMoneyByCurrency);

/// <summary>The product team's whole view of a campaign, served from memory.</summary>
/// <param name="VelocityUnitsPerHour">Confirmed units over the last hour.</param>
/// <param name="EstimatedGoalAt">When the goal is reached at that pace; null if reached or no pace.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.Dashboard")]
public sealed record Dashboard(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] CampaignStatus Status,
    [property: Id(2)] int GoalUnits,
    [property: Id(3)] int ConfirmedUnits,
    [property: Id(4)] int ReservedUnits,
    [property: Id(5)] int Backers,
    [property: Id(6)] IReadOnlyDictionary<string, int> ConfirmedUnitsByCountry,
    [property: Id(7)] IReadOnlyDictionary<string, int> ReservedUnitsByCountry,
    [property: Id(8)] IReadOnlyDictionary<string, long> ConfirmedMoneyByCurrency,
    [property: Id(9)] IReadOnlyList<TierFigures> Tiers,
    [property: Id(10)] IReadOnlyList<CampaignEvent> Events,
    [property: Id(11)] double VelocityUnitsPerHour,
    [property: Id(12)] DateTimeOffset? EstimatedGoalAt,
    [property: Id(13)] DateTimeOffset Deadline,
    [property: Id(14)] DateTimeOffset AsOf);

/// <summary>The outcome of a team command on a campaign: the campaign, or the refusal and the problems that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.CampaignCommandResult")]
public sealed record CampaignCommandResult(
    [property: Id(0)] CampaignInfo? Campaign,
    [property: Id(1)] Refusal Refusal,
    [property: Id(2)] IReadOnlyList<Problem> Problems)
{
    public static CampaignCommandResult Ok(CampaignInfo campaign) => new(campaign, Refusal.None, []);
    public static CampaignCommandResult Fail(Refusal refusal, params IReadOnlyList<Problem> problems) => new(null, refusal, problems);
}
