using Crowdfund.Domain;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

/// <summary>The end of a campaign is decided from the rows, at a cut no pledge change can cross.</summary>
public sealed class DeadlineTests
{
    [Test]
    public async Task The_deadline_counts_the_confirmed_rows_and_refuses_every_change_after_it()
    {
        // A world of its own: this test moves the clock a month on.
        await using var world = await GrainWorld.StartAsync();
        var slug = await world.LaunchAsync("cut", 2, GrainWorld.Tier("std"));
        var tier = world.Tier(slug, "std");
        var counted = (await tier.ReserveAsync(GrainWorld.Request())).Pledge!;
        var unreported = (await tier.ReserveAsync(GrainWorld.Request())).Pledge!;
        var cancelled = (await tier.ReserveAsync(GrainWorld.Request())).Pledge!;
        await world.ConfirmAsync(counted.Id);
        await world.ConfirmAsync(cancelled.Id);
        await world.CancelAsync(cancelled.Id);
        // A confirmation whose news never reached the tier (its pledge grain's silo died before the sync): the row is
        // the truth, and the campaign must count it.
        await TestDatabase.DataSource.CreateCommand(
            $"UPDATE pledges SET status = 'Confirmed', confirmed_at = now(), version = version + 1 WHERE id = '{unreported.Id}'")
            .ExecuteNonQueryAsync();

        world.Clock.Advance(TimeSpan.FromDays(31));
        Assert.That(await world.Campaign(slug).CheckDeadlineAsync(), Is.EqualTo(CampaignStatus.Succeeded));

        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "SELECT confirmed_units FROM campaign_events WHERE campaign_id = @slug AND kind = 'Succeeded'", new { slug }), Is.EqualTo(2));
        var message = await connection.ExecuteScalarAsync<string>(
            "SELECT payload::text FROM outbox WHERE key = @key", new { key = $"{slug}:Succeeded" });
        Assert.That(message, Does.Contain("\"type\": \"campaign.succeeded\"").Or.Contain("\"type\":\"campaign.succeeded\""));
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT topic FROM outbox WHERE key = @key",
            new { key = $"{slug}:Succeeded" }), Is.EqualTo(CampaignEndedV1.SucceededType));
        // After the cut, nothing a backer does changes the rows that decided.
        Assert.That((await world.CancelAsync(counted.Id)).Refusal, Is.EqualTo(Refusal.CampaignNotLive));
        Assert.That((await world.Grains.GetGrain<IPledgeGrain>(unreported.Id)
            .ChangeAsync(GrainWorld.TokenHashOf(unreported.Id), "std", 2)).Refusal, Is.EqualTo(Refusal.CampaignNotLive));
        // Collection has started on the two (their cards here are made up, so their charges fail), and they still count.
        var counting = Enum.GetValues<PledgeStatus>().Where(PledgeLifecycle.CountsTowardGoal).Select(s => s.ToString()).ToArray();
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "SELECT coalesce(sum(units), 0)::int FROM pledges WHERE campaign_id = @slug AND status = ANY(@counting)",
            new { slug, counting }), Is.EqualTo(2));
    }
}
