using Crowdfund.Domain;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Host.Hosting;

/// <summary>
/// The model case: a cordless retro-styled landline phone, produced once 500 units are confirmed, open in five
/// countries, with a limited early-bird edition at a reduced price, a standard tier and a duo pack.
/// </summary>
public static class DemoCampaign
{
    public const string Slug = "retro-phone";

    public static CampaignDefinition Definition(DateTimeOffset now) => new(
        Slug,
        "The cordless retro landline",
        "Cordless retro-styled landline phone",
        500,
        now.AddDays(30),
        [
            new CountrySettings("FR", "EUR", 2000, true),
            new CountrySettings("DE", "EUR", 1900, true),
            new CountrySettings("ES", "EUR", 2100, true),
            new CountrySettings("US", "USD", 0, false),
            new CountrySettings("CA", "CAD", 1300, false),
        ],
        CampaignDefinition.DefaultMilestones);

    private static readonly string[] Everywhere = [.. LaunchCountries.Currencies.Keys];

    private static readonly Dictionary<string, long> Shipping = new()
    {
        ["FR"] = 900, ["DE"] = 900, ["ES"] = 900, ["US"] = 1500, ["CA"] = 1500,
    };

    public static IReadOnlyList<TierDefinition> Tiers { get; } =
    [
        new("early-bird", "Early-bird exclusive edition",
            "Numbered walnut edition, 200 made, at the early-bird price.",
            new Dictionary<string, long> { ["EUR"] = 7900, ["USD"] = 8900, ["CAD"] = 11900 },
            1, 200, 2, Everywhere, Shipping, "2027-09", true, "RETRO-WALNUT-LTD"),
        new("standard", "Standard",
            "The phone in ivory, black or sage.",
            new Dictionary<string, long> { ["EUR"] = 9900, ["USD"] = 10900, ["CAD"] = 14900 },
            1, null, 5, Everywhere, Shipping, "2027-10", false, "RETRO-PHONE"),
        new("duo-pack", "Duo pack",
            "Two phones, one for the hall and one for the study.",
            new Dictionary<string, long> { ["EUR"] = 18900, ["USD"] = 20900, ["CAD"] = 27900 },
            2, null, 3, Everywhere, Shipping, "2027-10", false, "RETRO-PHONE"),
    ];
}
