namespace Crowdfund.Domain.Rules;

/// <summary>The countries Crowdfund can open a campaign in, each with the one currency it is sold in.</summary>
public static class LaunchCountries
{
    public static readonly IReadOnlyDictionary<string, string> Currencies = new Dictionary<string, string>
    {
        ["FR"] = "EUR",
        ["DE"] = "EUR",
        ["ES"] = "EUR",
        ["US"] = "USD",
        ["CA"] = "CAD",
    };
}
