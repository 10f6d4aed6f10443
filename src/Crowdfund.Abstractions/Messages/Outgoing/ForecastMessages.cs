namespace Crowdfund.Messages.Outgoing;

/// <summary>
/// <c>partner.forecast-updated</c>, version 1: the confirmed units changed since the last forecast the partner got
/// (the production-go notice is number 0). Sent at most once per forecast interval (a day by default) while the
/// campaign is live, and only when the figures changed.
/// </summary>
/// <param name="Sequence">1 for the first update, then 2...: a partner keeps the highest it has, whatever the order of arrival.</param>
/// <param name="Forecast">The confirmed units now, per product SKU, per country and per both.</param>
/// <param name="Deadline">When pledging ends.</param>
public sealed record ForecastUpdatedV1(
    string CampaignId,
    string Product,
    int Sequence,
    UnitCounts Forecast,
    DateTimeOffset Deadline)
{
    public const string Type = "partner.forecast-updated";
    public const int Version = 1;

    public static string IdOf(string campaignId, int sequence) =>
        $"{campaignId}:forecast:{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// <c>partner.final-quantities</c>, version 1: collection finished and every pledge is final; these are the units
/// paid for, per product SKU, per country and per both. Sent once per campaign. The orders themselves follow in
/// batches.
/// </summary>
/// <param name="CollectionFinishedAt">When the last pledge was settled.</param>
public sealed record FinalQuantitiesV1(
    string CampaignId,
    string Product,
    UnitCounts Quantities,
    DateTimeOffset CollectionFinishedAt)
{
    public const string Type = "partner.final-quantities";
    public const int Version = 1;

    public static string IdOf(string campaignId) => $"{campaignId}:final-quantities";
}
