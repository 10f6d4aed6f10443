using Crowdfund.Domain;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Abstractions.Tests;

/// <summary>Every amount and count has a range in which no sum or product can overflow; outside it, the team is told.</summary>
public sealed class LimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static CampaignDefinition Campaign() => new("phone", "Phone", "Retro phone", 500, Now.AddDays(30),
        [new CountrySettings("FR", "EUR", 2000, true), new CountrySettings("CA", "CAD", 1300, false)],
        CampaignDefinition.DefaultMilestones);

    private static TierDefinition Tier(long price = 7900, int? maxPerBacker = 2, int? limit = 100, int unitsPerReward = 1) =>
        new("std", "Standard", "", new Dictionary<string, long> { ["EUR"] = price, ["CAD"] = price }, unitsPerReward, limit,
            maxPerBacker, ["FR", "CA"], new Dictionary<string, long> { ["FR"] = 900, ["CA"] = 1500 }, "2027-09", false);

    [TestCase(long.MaxValue)]
    [TestCase(Limits.MaxPrice + 1)]
    [TestCase(0L)]
    [TestCase(-1L)]
    public void A_price_outside_its_range_is_refused_at_the_team_api(long price) =>
        Assert.That(CampaignRules.CheckTier(Tier(price)).Problems.Select(p => (p.Field, p.Code)),
            Is.SupersetOf(new[] { ("prices.EUR", "price_invalid") }));

    [Test]
    public void A_per_backer_maximum_that_would_overflow_units_is_refused()
    {
        var problems = CampaignRules.CheckTier(Tier(maxPerBacker: int.MaxValue, unitsPerReward: 2)).Problems;
        Assert.That(problems.Select(p => p.Field), Is.EqualTo(new[] { "maxPerBacker" }));
    }

    [Test]
    public void Counts_and_money_at_every_limit_at_once_stay_within_their_types()
    {
        // The largest of everything the rules allow: the arithmetic of the limits' own proof, run.
        var unitsPerPledge = checked(Limits.MaxQuantityPerPledge * Limits.MaxUnitsPerReward);
        var unitsPerTier = checked((long)Limits.MaxTierRewards * Limits.MaxUnitsPerReward);
        Assert.That(checked(unitsPerTier * Limits.MaxTiersPerCampaign), Is.LessThan(int.MaxValue));
        Assert.That(unitsPerPledge, Is.EqualTo(10_000));
        var tier = Tier(Limits.MaxPrice, Limits.MaxQuantityPerPledge, null, Limits.MaxUnitsPerReward) with
        {
            Shipping = new Dictionary<string, long> { ["FR"] = Limits.MaxShipping, ["CA"] = Limits.MaxShipping },
        };
        var quote = Pricing.Quote(tier, new CountrySettings("CA", "CAD", Limits.MaxTaxRateBasisPoints, false),
            Limits.MaxQuantityPerPledge)!;
        Assert.That(quote.Total, Is.EqualTo(2 * (Limits.MaxPrice * Limits.MaxQuantityPerPledge + Limits.MaxShipping)));
        Assert.That(checked(quote.Total * (long)Limits.MaxTierRewards * Limits.MaxTiersPerCampaign), Is.GreaterThan(0));
    }

    [Test]
    public void Launch_is_refused_when_a_tier_allows_a_pledge_no_card_payment_can_collect()
    {
        // 100 rewards at 10,000.00 come to over a million in either currency, past the eight digits a card payment takes.
        var tier = Tier(1_000_000, maxPerBacker: 100, limit: null);
        var problems = CampaignRules.LaunchProblems(Campaign(), [tier], Now);
        Assert.That(problems.Select(p => (p.Field, p.Code)), Is.SupersetOf(new[]
        {
            ("tiers.std.prices.CAD", "pledge_total_too_large"), ("tiers.std.prices.EUR", "pledge_total_too_large"),
        }));
        Assert.That(CampaignRules.LaunchProblems(Campaign(), [Tier(1_000_000, maxPerBacker: 2)], Now), Is.Empty);
    }

    [Test]
    public void A_deadline_years_away_is_a_typing_error()
    {
        var far = Campaign() with { Deadline = Now.AddYears(5) };
        Assert.That(CampaignRules.LaunchProblems(far, [Tier()], Now).Select(p => p.Code), Does.Contain("deadline_too_far"));
    }

    [Test]
    public void A_campaign_without_a_goal_is_a_named_validation_error()
    {
        var problems = CampaignRules.CheckDefinition(Campaign() with { GoalUnits = 0 }).Problems;
        Assert.That(problems.Select(p => (p.Field, p.Code)), Is.EqualTo(new[] { ("goalUnits", "out_of_range") }));
    }

    [Test]
    public void The_largest_quantity_of_a_tier_is_bounded_whatever_it_says()
    {
        Assert.That(CampaignRules.MaxQuantity(Tier(maxPerBacker: null, limit: null)), Is.EqualTo(Limits.MaxQuantityPerPledge));
        Assert.That(CampaignRules.MaxQuantity(Tier(maxPerBacker: 5, limit: 3)), Is.EqualTo(3));
    }

    [Test]
    public void Texts_of_a_definition_are_stored_normalized()
    {
        var (clean, problems) = CampaignRules.CheckTier(Tier() with { Name = "  Cafe\u0301 edition ", Description = "one\r\ntwo" });
        Assert.That(problems, Is.Empty);
        Assert.That(clean.Name, Is.EqualTo("Caf\u00e9 edition"));
        Assert.That(clean.Description, Is.EqualTo("one\ntwo"));
        Assert.That(CampaignRules.CheckTier(Tier() with { Name = "evil\u0000" }).Problems.Single().Field, Is.EqualTo("name"));
    }
}
