namespace Crowdfund.Domain.Rules;

/// <summary>
/// What makes a campaign definition, a tier and a launch valid. Checks return the definition as it will be stored
/// (texts normalized by <see cref="TextRules"/>) with every problem named by its field; ranges are those of
/// <see cref="Limits"/>.
/// </summary>
public static class CampaignRules
{
    public static (CampaignDefinition Clean, IReadOnlyList<Problem> Problems) CheckDefinition(CampaignDefinition definition)
    {
        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(definition.Slug), "slug", "slug_invalid",
            "The slug uses lower-case letters, digits and inner dashes, 1 to 64 characters.");
        var title = TextRules.Clean(definition.Title, "title", 200, problems);
        var product = TextRules.Clean(definition.Product, "product", 200, problems);
        problems.Check(definition.GoalUnits is > 0 and <= Limits.MaxGoalUnits, "goalUnits", "out_of_range",
            $"The goal is between 1 and {Limits.MaxGoalUnits} units.");
        problems.Check(definition.Deadline != default, "deadline", "required", "The deadline is required.");
        var countries = definition.Countries ?? [];
        problems.Check(countries.Count > 0, "countries", "required", "At least one country is open.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < countries.Count; i++)
        {
            var country = countries[i];
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
            problems.Check(country.TaxRateBasisPoints is >= 0 and <= Limits.MaxTaxRateBasisPoints,
                $"{field}.taxRateBasisPoints", "out_of_range",
                $"The tax rate is between 0 and {Limits.MaxTaxRateBasisPoints} basis points.");
        }
        var milestones = definition.MilestonePercents ?? [];
        problems.Check(milestones.Count <= Limits.MaxMilestones
                && milestones.All(p => p is > 0 and <= Limits.MaxMilestonePercent)
                && milestones.Distinct().Count() == milestones.Count,
            "milestonePercents", "out_of_range",
            $"At most {Limits.MaxMilestones} distinct milestones, each between 1 and {Limits.MaxMilestonePercent} percent.");
        var clean = definition with { Title = title ?? "", Product = product ?? "", Countries = countries, MilestonePercents = milestones };
        return (clean, problems.Items);
    }

    public static (TierDefinition Clean, IReadOnlyList<Problem> Problems) CheckTier(TierDefinition tier)
    {
        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(tier.Id), "id", "id_invalid",
            "The tier id uses lower-case letters, digits and inner dashes, 1 to 64 characters.");
        var name = TextRules.Clean(tier.Name, "name", 200, problems);
        var description = TextRules.Clean(tier.Description, "description", 4000, problems, required: false, multiline: true);
        var prices = tier.Prices ?? new Dictionary<string, long>();
        problems.Check(prices.Count > 0, "prices", "required", "At least one price is set.");
        foreach (var (currency, price) in prices)
            problems.Check(price is > 0 and <= Limits.MaxPrice && LaunchCountries.Currencies.Values.Contains(currency),
                $"prices.{currency}", "price_invalid",
                $"A price is between 1 and {Limits.MaxPrice} minor units of {string.Join(", ", LaunchCurrencies)}.");
        problems.Check(tier.UnitsPerReward is > 0 and <= Limits.MaxUnitsPerReward, "unitsPerReward", "out_of_range",
            $"A reward holds between 1 and {Limits.MaxUnitsPerReward} units.");
        problems.Check(tier.Limit is null or > 0 and <= Limits.MaxTierRewards, "limit", "out_of_range",
            $"A limit, when set, is between 1 and {Limits.MaxTierRewards} rewards.");
        problems.Check(tier.MaxPerBacker is null or > 0 and <= Limits.MaxQuantityPerPledge, "maxPerBacker", "out_of_range",
            $"A per-backer maximum, when set, is between 1 and {Limits.MaxQuantityPerPledge}.");
        var shipsTo = tier.ShipsTo ?? [];
        problems.Check(shipsTo.Count > 0, "shipsTo", "required", "The tier ships to at least one country.");
        problems.Check(shipsTo.All(LaunchCountries.Currencies.ContainsKey) && shipsTo.Distinct().Count() == shipsTo.Count,
            "shipsTo", "country_unsupported",
            $"The tier ships to distinct countries among {string.Join(", ", LaunchCountries.Currencies.Keys)}.");
        var shipping = tier.Shipping ?? new Dictionary<string, long>();
        foreach (var (country, amount) in shipping)
            problems.Check(amount is >= 0 and <= Limits.MaxShipping && LaunchCountries.Currencies.ContainsKey(country),
                $"shipping.{country}", "out_of_range",
                $"Shipping is set for a launch country, between 0 and {Limits.MaxShipping} minor units.");
        var delivery = TextRules.Clean(tier.EstimatedDelivery, "estimatedDelivery", 7, problems);
        if (delivery is not null)
            problems.Check(DateOnly.TryParseExact(delivery, "yyyy-MM", out _), "estimatedDelivery", "month_invalid",
                "The estimated delivery is a month, \"yyyy-MM\".");
        if (tier.Sku is not null)
            problems.Check(tier.Sku.Length is > 0 and <= TierDefinition.MaxSkuLength
                           && tier.Sku.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.'),
                "sku", "sku_invalid",
                $"A SKU is 1 to {TierDefinition.MaxSkuLength} upper-case letters, digits, dashes, underscores or dots.");
        var clean = tier with
        {
            Name = name ?? "", Description = description ?? "", Prices = prices, ShipsTo = shipsTo, Shipping = shipping,
            EstimatedDelivery = delivery ?? "",
        };
        return (clean, problems.Items);
    }

    /// <summary>Everything that stops a launch, each named; empty when the campaign can go live.</summary>
    public static IReadOnlyList<Problem> LaunchProblems(CampaignDefinition definition, IReadOnlyList<TierDefinition> tiers,
        DateTimeOffset now)
    {
        var problems = new ProblemList();
        foreach (var problem in CheckDefinition(definition).Problems) problems.Add(problem.Field, problem.Code, problem.Message);
        problems.Check(definition.Deadline > now, "deadline", "deadline_past", "The deadline is in the future.");
        problems.Check(definition.Deadline <= now + Limits.MaxCampaignLength, "deadline", "deadline_too_far",
            $"The deadline is at most {Limits.MaxCampaignLength.TotalDays:0} days away.");
        problems.Check(tiers.Count > 0, "tiers", "required", "At least one tier exists.");
        problems.Check(tiers.Count <= Limits.MaxTiersPerCampaign, "tiers", "too_many",
            $"A campaign has at most {Limits.MaxTiersPerCampaign} tiers.");
        var currencies = (definition.Countries ?? []).Select(c => c.Currency).Distinct().ToList();
        foreach (var tier in tiers)
        {
            var field = $"tiers.{tier.Id}";
            foreach (var problem in CheckTier(tier).Problems) problems.Add($"{field}.{problem.Field}", problem.Code, problem.Message);
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
            foreach (var (country, total) in LargestPledges(definition, tier).Where(p => p.Total > Limits.MaxPledgeTotal))
                problems.Add($"{field}.prices.{definition.FindCountry(country)!.Currency}", "pledge_total_too_large",
                    $"The largest pledge of tier {tier.Id} to {country} comes to {total} minor units with shipping and " +
                    $"tax; a payment is at most {Limits.MaxPledgeTotal}.");
        }
        return problems.Items;
    }

    /// <summary>The most a tier allows in one pledge, whatever the tier says.</summary>
    public static int MaxQuantity(TierDefinition tier) =>
        Math.Min(Math.Min(tier.MaxPerBacker ?? Limits.MaxQuantityPerPledge, Limits.MaxQuantityPerPledge),
            tier.Limit ?? Limits.MaxTierRewards);

    /// <summary>The total of the largest pledge a tier allows, for each open country it ships to and prices for.</summary>
    private static IEnumerable<(string Country, long Total)> LargestPledges(CampaignDefinition definition, TierDefinition tier)
    {
        if (tier.Prices.Values.Any(p => p is <= 0 or > Limits.MaxPrice) || tier.Shipping.Values.Any(s => s is < 0 or > Limits.MaxShipping))
            yield break; // Named above; quoting out-of-range amounts is what the limits exist to avoid.
        foreach (var country in definition.Countries ?? [])
        {
            if (country.TaxRateBasisPoints is < 0 or > Limits.MaxTaxRateBasisPoints) continue;
            if (Pricing.Quote(tier, country, MaxQuantity(tier)) is { } quote) yield return (country.Country, quote.Total);
        }
    }

    private static IEnumerable<string> LaunchCurrencies => LaunchCountries.Currencies.Values.Distinct();
}
