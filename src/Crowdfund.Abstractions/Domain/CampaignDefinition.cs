namespace Crowdfund.Domain;

/// <summary>A campaign as the product team defines it while in draft; frozen at launch.</summary>
/// <param name="Slug">Public id (lower-case letters, digits, dashes).</param>
/// <param name="GoalUnits">Confirmed product units at which manufacturing is confirmed (500 in the model case).</param>
/// <param name="Deadline">When pledging ends and the campaign succeeds or fails.</param>
/// <param name="Countries">The countries the campaign is open in.</param>
/// <param name="MilestonePercents">Percentages of the goal recorded once each when reached (25, 50, 75, 100, 150 by default).</param>
[GenerateSerializer, Immutable, Alias("crowdfund.CampaignDefinition")]
public sealed record CampaignDefinition(
    [property: Id(0)] string Slug,
    [property: Id(1)] string Title,
    [property: Id(2)] string Product,
    [property: Id(3)] int GoalUnits,
    [property: Id(4)] DateTimeOffset Deadline,
    [property: Id(5)] IReadOnlyList<CountrySettings> Countries,
    [property: Id(6)] IReadOnlyList<int> MilestonePercents)
{
    public static readonly IReadOnlyList<int> DefaultMilestones = [25, 50, 75, 100, 150];

    public CountrySettings? FindCountry(string country) =>
        Countries.FirstOrDefault(c => string.Equals(c.Country, country, StringComparison.OrdinalIgnoreCase));
}
