using Crowdfund.Grains.Tiers;
using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Grains.Tests;

/// <summary>Everything in memory is derived from rows, so a killed or restarted silo loses nothing.</summary>
public sealed class RestartTests
{
    [Test]
    public async Task Counters_rebuilt_after_a_silo_kill_equal_the_database()
    {
        await using var world = await GrainWorld.StartAsync();
        var slug = await world.LaunchAsync("rebuild", 500, GrainWorld.Tier("early", limit: 50, maxPerBacker: 3),
            GrainWorld.Tier("duo", unitsPerReward: 2, maxPerBacker: 3));
        string[] countries = ["FR", "DE", "ES", "US", "CA"];
        var pledges = await Task.WhenAll(Enumerable.Range(0, 80).Select(i =>
            world.Tier(slug, i % 2 == 0 ? "early" : "duo").ReserveAsync(GrainWorld.Request(countries[i % 5], 1 + i % 3))));
        var made = pledges.Where(p => p.Pledge is not null).Select(p => p.Pledge!).ToList();
        foreach (var (pledge, i) in made.Select((p, i) => (p, i)))
        {
            if (i % 3 == 0) await world.ConfirmAsync(pledge.Id);
            else if (i % 7 == 0) await world.CancelAsync(pledge.Id);
        }
        await world.Campaign(slug).RefreshAsync();
        var before = await world.Campaign(slug).GetDashboardAsync();

        await world.RestartAsync();

        var after = await world.Campaign(slug).GetDashboardAsync();
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That(after!.ConfirmedUnits, Is.EqualTo(rows.ConfirmedUnits));
        Assert.That(after.ReservedUnits, Is.EqualTo(rows.ReservedUnits));
        Assert.That(after.Backers, Is.EqualTo(rows.ConfirmedPledges));
        Assert.That(after.Tiers.Sum(t => t.RewardsHeld), Is.EqualTo(rows.Held));
        Assert.That(after.ConfirmedUnitsByCountry, Is.EquivalentTo(await ConfirmedByCountryAsync(slug)));
        Assert.That(after.ConfirmedMoneyByCurrency, Is.EquivalentTo(before!.ConfirmedMoneyByCurrency));
        Assert.That(after.Tiers.Single(t => t.TierId == "early").Remaining, Is.EqualTo(50 - (await GrainWorld.RowsAsync(slug, "early")).Held));
        Assert.That(after.ConfirmedUnits, Is.EqualTo(before.ConfirmedUnits));
    }

    [Test]
    public async Task The_deadline_reminder_ends_the_campaign_even_after_a_full_restart()
    {
        await using var world = await GrainWorld.StartAsync();
        var failing = await world.LaunchAsync("fails", 500, GrainWorld.Tier("std"));
        var succeeding = await world.LaunchAsync("wins", 1, GrainWorld.Tier("std"));
        var reservation = await world.Tier(failing, "std").ReserveAsync(GrainWorld.Request());
        var winner = await world.Tier(succeeding, "std").ReserveAsync(GrainWorld.Request());
        await world.ConfirmAsync(winner.Pledge!.Id);

        await world.RestartAsync();
        // Nothing touches the campaigns after the restart: only their stored reminders can wake them.
        world.Clock.Advance(TimeSpan.FromDays(31));

        Assert.That(await StatusEventuallyAsync(failing, "Failed"), Is.EqualTo("Failed"));
        Assert.That(await StatusEventuallyAsync(succeeding, "Succeeded"), Is.EqualTo("Succeeded"));
        Assert.That((await world.Tier(failing, "std").ReserveAsync(GrainWorld.Request())).Refusal, Is.EqualTo(Refusal.CampaignNotLive));
        Assert.That((await world.CancelAsync(reservation.Pledge!.Id)).Refusal, Is.EqualTo(Refusal.CampaignNotLive));
    }

    private static async Task<string> StatusEventuallyAsync(string slug, string expected)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string status;
        do
        {
            status = await connection.ExecuteScalarAsync<string>("SELECT status FROM campaigns WHERE id = @slug", new { slug }) ?? "";
            if (status == expected) break;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    private static async Task<Dictionary<string, int>> ConfirmedByCountryAsync(string slug)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(string Country, int Units)>("""
            SELECT country, sum(units)::int FROM pledges WHERE campaign_id = @slug AND status = 'Confirmed' GROUP BY country
            """, new { slug })).ToDictionary(r => r.Country, r => r.Units);
    }
}

public sealed class EditionTests
{
    [Test]
    public async Task Numbered_editions_run_from_1_to_N_without_gap_or_duplicate_whatever_was_cancelled()
    {
        await using var world = await GrainWorld.StartAsync();
        var numbered = GrainWorld.Tier("walnut", limit: 100, maxPerBacker: 3) with { NumberedEdition = true };
        var slug = await world.LaunchAsync("editions", 5, numbered);
        var tier = world.Tier(slug, "walnut");
        var pledges = new List<PledgeView>();
        for (var i = 0; i < 12; i++) pledges.Add((await tier.ReserveAsync(GrainWorld.Request(quantity: 1 + i % 3))).Pledge!);
        // Confirm in an order unlike creation, then cancel some confirmed ones and leave two merely reserved.
        foreach (var p in pledges.Take(10).Reverse())
        {
            world.Clock.Advance(TimeSpan.FromSeconds(1));
            await world.ConfirmAsync(p.Id);
        }
        foreach (var p in pledges.Where((_, i) => i is 1 or 4 or 7)) await world.CancelAsync(p.Id);

        world.Clock.Advance(TimeSpan.FromDays(31));
        Assert.That(await world.Campaign(slug).CheckDeadlineAsync(), Is.EqualTo(CampaignStatus.Succeeded));

        var confirmed = pledges.Take(10).Where((_, i) => i is not (1 or 4 or 7)).ToList();
        var ranges = await world.Silo.Services.GetRequiredService<IEditionStore>().ReadAsync(slug, "walnut");
        Assert.That(ranges.Select(r => r.PledgeId), Is.EquivalentTo(confirmed.Select(p => p.Id)));
        var numbers = ranges.SelectMany(r => Enumerable.Range(r.FirstNumber, r.LastNumber - r.FirstNumber + 1)).ToList();
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, confirmed.Sum(p => p.Quantity))));
        foreach (var range in ranges)
            Assert.That(range.LastNumber - range.FirstNumber + 1, Is.EqualTo(confirmed.Single(p => p.Id == range.PledgeId).Quantity));
        // In order of confirmation: the last created was confirmed first.
        Assert.That(ranges[0].PledgeId, Is.EqualTo(confirmed[^1].Id));
    }
}
