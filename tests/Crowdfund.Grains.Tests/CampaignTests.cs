using Crowdfund.Domain;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

public sealed class CampaignTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task Launch_names_every_problem_and_changes_nothing()
    {
        var slug = GrainWorld.NewSlug("blocked");
        var campaign = world.Campaign(slug);
        await campaign.CreateAsync(GrainWorld.Definition(slug, 500, world.Clock.GetUtcNow().AddDays(-1)));
        Assert.That((await campaign.LaunchAsync()).Problems.Select(p => p.Code), Is.SupersetOf(new[] { "deadline_past", "required" }));

        var noCad = GrainWorld.Tier("std") with { Prices = new Dictionary<string, long> { ["EUR"] = 7900, ["USD"] = 8900 } };
        var noShipping = GrainWorld.Tier("duo") with { Shipping = new Dictionary<string, long> { ["FR"] = 900 } };
        await campaign.PutTierAsync(noCad);
        await campaign.PutTierAsync(noShipping);
        var result = await campaign.LaunchAsync();

        Assert.That(result.Refusal, Is.EqualTo(Refusal.LaunchBlocked));
        Assert.That(result.Problems.Select(p => p.Field), Is.SupersetOf(new[]
        {
            "deadline", "tiers.std.prices.CAD", "tiers.duo.shipping.DE", "tiers.duo.shipping.US", "tiers.duo.shipping.CA",
        }));
        Assert.That((await campaign.GetInfoAsync())!.Status, Is.EqualTo(CampaignStatus.Draft));
    }

    [Test]
    public async Task After_launch_the_definition_prices_and_goal_are_frozen()
    {
        var slug = await world.LaunchAsync("frozen", 500, GrainWorld.Tier("std"));
        var campaign = world.Campaign(slug);

        var update = await campaign.UpdateAsync(GrainWorld.Definition(slug, 100, world.Clock.GetUtcNow().AddDays(5)));
        var price = await campaign.PutTierAsync(GrainWorld.Tier("std") with { Prices = new Dictionary<string, long> { ["EUR"] = 1 } });

        Assert.That(update.Refusal, Is.EqualTo(Refusal.CampaignNotDraft));
        Assert.That(price.Refusal, Is.EqualTo(Refusal.CampaignNotDraft));
        var info = await campaign.GetInfoAsync();
        Assert.That(info!.Definition.GoalUnits, Is.EqualTo(500));
        Assert.That(info.Tiers.Single().Prices["EUR"], Is.EqualTo(7900));
    }

    [Test]
    public async Task Confirmed_units_reach_milestones_and_manufacturing_once_each()
    {
        var slug = await world.LaunchAsync("goal", 4, GrainWorld.Tier("std"), GrainWorld.Tier("duo", unitsPerReward: 2));
        var campaign = world.Campaign(slug);
        var reserved = await world.Tier(slug, "std").ReserveAsync(GrainWorld.Request("DE"));
        var duo = await world.Tier(slug, "duo").ReserveAsync(GrainWorld.Request("US"));
        var third = await world.Tier(slug, "std").ReserveAsync(GrainWorld.Request("CA"));
        await world.Tier(slug, "std").ReserveAsync(GrainWorld.Request("ES"));

        await world.ConfirmAsync(reserved.Pledge!.Id);
        await campaign.RefreshAsync();
        var quarter = await campaign.GetDashboardAsync();
        Assert.That(quarter!.ConfirmedUnits, Is.EqualTo(1));
        Assert.That(quarter.ReservedUnits, Is.EqualTo(4));
        Assert.That(quarter.Events.Select(e => e.Kind), Is.EquivalentTo(new[] { "milestone-25" }));
        Assert.That(quarter.VelocityUnitsPerHour, Is.EqualTo(1));
        Assert.That(quarter.EstimatedGoalAt, Is.EqualTo(quarter.AsOf.AddHours(3)));

        await world.ConfirmAsync(duo.Pledge!.Id);
        await world.ConfirmAsync(third.Pledge!.Id);
        await campaign.RefreshAsync();
        await campaign.RefreshAsync();
        var done = await campaign.GetDashboardAsync();

        Assert.That(done!.ConfirmedUnits, Is.EqualTo(4));
        Assert.That(done.ReservedUnits, Is.EqualTo(1));
        Assert.That(done.Backers, Is.EqualTo(3));
        Assert.That(done.ConfirmedUnitsByCountry, Is.EquivalentTo(new Dictionary<string, int> { ["DE"] = 1, ["US"] = 2, ["CA"] = 1 }));
        Assert.That(done.ReservedUnitsByCountry, Is.EquivalentTo(new Dictionary<string, int> { ["ES"] = 1 }));
        Assert.That(done.ConfirmedMoneyByCurrency.Keys, Is.EquivalentTo(new[] { "EUR", "USD", "CAD" }));
        Assert.That(done.ConfirmedMoneyByCurrency["USD"], Is.EqualTo(duo.Pledge.Amounts.Total));
        Assert.That(done.Events.Select(e => e.Kind), Is.EquivalentTo(new[]
        {
            "milestone-25", "milestone-50", "milestone-75", "milestone-100", Threshold.ManufacturingConfirmed,
        }));
        Assert.That(done.EstimatedGoalAt, Is.Null);
        Assert.That((await campaign.GetPublicAsync())!.Progress.ManufacturingConfirmed, Is.True);

        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM outbox WHERE topic = @topic AND key LIKE @slug || ':%'",
            new { topic = ManufacturingConfirmedV1.Type, slug }), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM campaign_events WHERE campaign_id = @slug", new { slug }), Is.EqualTo(5));
    }
}
