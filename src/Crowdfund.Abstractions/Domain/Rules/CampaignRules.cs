namespace Crowdfund.Domain.Rules;

/// <summary>What makes a campaign definition, a tier and a launch valid. Each rule names the field it is about.</summary>
public static class CampaignRules
{
    public const int MaxGoalUnits = 1_000_000;
    public const int MaxUnitsPerReward = 100;

    public static IReadOnlyList<Problem> ValidateDefinition(CampaignDefinition definition)
    {
        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(definition.Slug), "slug", "slug_invalid",
            "The slug uses lower-case letters, digits and inner dashes, 1 to 64 characters.");
        problems.Check(IsText(definition.Title, 200), "title", "required", "The title is required (200 characters at most).");
        problems.Check(IsText(definition.Product, 200), "product", "required", "The product is required (200 characters at most).");
        problems.Check(definition.GoalUnits is > 0 and <= MaxGoalUnits, "goalUnits", "out_of_range",
            $"The goal is between 1 and {MaxGoalUnits} units.");
        problems.Check(definition.Countries is { Count: > 0 }, "countries", "required", "At least one country is open.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (definition.Countries?.Count ?? 0); i++)
        {
            var country = definition.Countries![i];
            var field = $"countries[{i}]";
            if (country?.Country is null || !LaunchCountries.Currencies.TryGetValue(country.Country, out var currency))
            {
                problems.Add($"{field}.country", "country_unsupported",
                    $"Open countries are {string.Join(", ", LaunchCountries.Currencies.Keys)}.");
                continue;
            }
            problems.Check(seen.Add(country.Country), $"{field}.country", "duplicate", $"{country.Country} is listed twice.");
            problems.Check(country.Currency == currency, $"{field}.currency", "currency_mismatch",
                $"{country.Country} is sold in {currency}.");
            problems.Check(country.TaxRateBasisPoints is >= 0 and <= 10_000, $"{field}.taxRateBasisPoints", "out_of_range",
                "The tax rate is between 0 and 10000 basis points.");
        }
        var milestones = definition.MilestonePercents ?? [];
        problems.Check(milestones.All(p => p is > 0 and <= 1000) && milestones.Distinct().Count() == milestones.Count,
            "milestonePercents", "out_of_range", "Milestones are distinct percentages between 1 and 1000.");
        return problems.Items;
    }

    public static IReadOnlyList<Problem> ValidateTier(TierDefinition tier)
    {
        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(tier.Id), "id", "id_invalid",
            "The tier id uses lower-case letters, digits and inner dashes, 1 to 64 characters.");
        problems.Check(IsText(tier.Name, 200), "name", "required", "The name is required (200 characters at most).");
        problems.Check((tier.Description?.Length ?? 0) <= 4000, "description", "too_long", "The description is 4000 characters at most.");
        problems.Check(tier.Prices is { Count: > 0 }, "prices", "required", "At least one price is set.");
        foreach (var (currency, price) in tier.Prices ?? new Dictionary<string, long>())
            problems.Check(price > 0 && IsCurrency(currency), $"prices.{currency}", "price_invalid",
                "A price is a positive amount in minor units of a three-letter currency.");
        problems.Check(tier.UnitsPerReward is > 0 and <= MaxUnitsPerReward, "unitsPerReward", "out_of_range",
            $"A reward holds between 1 and {MaxUnitsPerReward} units.");
        problems.Check(tier.Limit is null or > 0, "limit", "out_of_range", "A limit, when set, is positive.");
        problems.Check(tier.MaxPerBacker is null or > 0, "maxPerBacker", "out_of_range", "A per-backer maximum, when set, is positive.");
        problems.Check(tier.ShipsTo is { Count: > 0 }, "shipsTo", "required", "The tier ships to at least one country.");
        foreach (var (country, shipping) in tier.Shipping ?? new Dictionary<string, long>())
            problems.Check(shipping >= 0, $"shipping.{country}", "out_of_range", "Shipping is zero or more, in minor units.");
        problems.Check(DateOnly.TryParseExact(tier.EstimatedDelivery, "yyyy-MM", out _), "estimatedDelivery",
            "month_invalid", "The estimated delivery is a month, \"yyyy-MM\".");
        return problems.Items;
    }

    /// <summary>Everything that stops a launch, each named; empty when the campaign can go live.</summary>
    public static IReadOnlyList<Problem> LaunchProblems(CampaignDefinition definition, IReadOnlyList<TierDefinition> tiers,
        DateTimeOffset now)
    {
        var problems = new ProblemList();
        foreach (var problem in ValidateDefinition(definition)) problems.Add(problem.Field, problem.Code, problem.Message);
        problems.Check(definition.Deadline > now, "deadline", "deadline_past", "The deadline is in the future.");
        problems.Check(tiers.Count > 0, "tiers", "required", "At least one tier exists.");
        var currencies = definition.Countries.Select(c => c.Currency).Distinct().ToList();
        foreach (var tier in tiers)
        {
            var field = $"tiers.{tier.Id}";
            foreach (var currency in currencies.Where(c => !tier.Prices.ContainsKey(c)))
                problems.Add($"{field}.prices.{currency}", "price_missing", $"Tier {tier.Id} has no price in {currency}.");
            foreach (var country in tier.ShipsTo)
            {
                problems.Check(definition.FindCountry(country) is not null, $"{field}.shipsTo", "country_not_open",
                    $"Tier {tier.Id} ships to {country}, which is not open.");
                problems.Check(tier.Shipping.ContainsKey(country), $"{field}.shipping.{country}", "shipping_missing",
                    $"Tier {tier.Id} ships to {country} without a shipping amount.");
            }
            problems.Check(tier.MaxPerBacker is null || tier.Limit is null || tier.MaxPerBacker <= tier.Limit,
                $"{field}.maxPerBacker", "out_of_range", $"Tier {tier.Id} allows more per backer than its limit.");
        }
        return problems.Items;
    }

    private static bool IsText(string? value, int max) => !string.IsNullOrWhiteSpace(value) && value.Length <= max;

    private static bool IsCurrency(string code) => code.Length == 3 && code.All(char.IsAsciiLetterUpper);
}
