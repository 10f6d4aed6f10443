namespace Crowdfund.Messages.Outgoing;

/// <summary>
/// <c>partner.manufacturing-confirmed</c>, version 1: the campaign's confirmed units reached the manufacturing
/// threshold. Sent once per campaign, to the partner that manufactures it. It is forecast number 0: the updates
/// (<see cref="ForecastUpdatedV1"/>) that follow while the campaign is live count on from it.
/// </summary>
/// <param name="CampaignId">The campaign's slug.</param>
/// <param name="Product">What is manufactured.</param>
/// <param name="GoalUnits">The threshold, in product units.</param>
/// <param name="ConfirmedUnits">Product units confirmed at that moment (a duo pack counts 2).</param>
/// <param name="ConfirmedUnitsByCountry">The same units by destination country (ISO 3166-1 alpha-2).</param>
/// <param name="Deadline">When pledging ends; the final quantities follow after collection.</param>
/// <param name="Forecast">The confirmed units per product SKU, per country and per both (added to version 1).</param>
public sealed record ManufacturingConfirmedV1(
    string CampaignId,
    string Product,
    int GoalUnits,
    int ConfirmedUnits,
    IReadOnlyDictionary<string, int> ConfirmedUnitsByCountry,
    DateTimeOffset Deadline,
    UnitCounts Forecast)
{
    public const string Type = "partner.manufacturing-confirmed";
    public const int Version = 1;

    /// <summary>The message's id: one notice per campaign.</summary>
    public static string IdOf(string campaignId) => $"{campaignId}:{Domain.Threshold.ManufacturingConfirmed}";
}

/// <summary>
/// <c>campaign.succeeded</c> or <c>campaign.failed</c>, version 1: the deadline passed and the campaign ended with
/// the goal reached (collection follows) or not (nobody is charged).
/// </summary>
/// <param name="Outcome">"succeeded" or "failed", as the type says.</param>
/// <param name="ConfirmedUnits">Product units of the pledges confirmed at the deadline: the count that decided.</param>
public sealed record CampaignEndedV1(
    string CampaignId,
    CampaignStatus Outcome,
    int GoalUnits,
    int ConfirmedUnits)
{
    public const string SucceededType = "campaign.succeeded";
    public const string FailedType = "campaign.failed";
    public const int Version = 1;

    public static string TypeOf(CampaignStatus outcome) => outcome == CampaignStatus.Succeeded ? SucceededType : FailedType;
}
