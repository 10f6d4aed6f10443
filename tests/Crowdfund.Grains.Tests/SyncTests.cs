using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

/// <summary>The tier's memory follows the rows one pledge at a time, whatever else is in flight.</summary>
public sealed class SyncTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task A_pledge_synced_from_its_row_while_a_batch_commits_leaves_held_units_equal_to_the_rows()
    {
        var slug = await world.LaunchAsync("sync", 500, GrainWorld.Tier("early", limit: 4));
        var tier = world.Tier(slug, "early");
        var stale = (await tier.ReserveAsync(GrainWorld.Request())).Pledge!;

        // Keep a batch's commit open: another transaction takes its key first, so its insert waits on the index.
        await using var blocker = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping,
                                 tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key,
                                 request_hash, created_at, updated_at, locale)
            VALUES (gen_random_uuid(), @slug, 'other', 'FR', 1, 1, 'Reserved', 'EUR', 0, 0, 0, 0, 'x', 'x@example.org',
                    '{}', '\x00', 'blocked', '\x00', now(), now(), 'fr-FR')
            """, new { slug }, transaction);
        var committing = tier.ReserveManyAsync([GrainWorld.Request(key: "blocked"), GrainWorld.Request(), GrainWorld.Request()]);
        await Eventually.Until(async () => await LockWaits.CountAsync(blocker, transaction) > 0,
            "the batch's insert waits on the key held by the blocking transaction");

        // Meanwhile the first pledge's row moves behind the tier's back (as when a pledge grain's sync is lost) and
        // its hold window passes: the expiry finds the row out of step and takes that one pledge from it.
        await TestDatabase.DataSource.CreateCommand(
            $"UPDATE pledges SET status = 'Cancelled', version = version + 1 WHERE id = '{stale.Id}'").ExecuteNonQueryAsync();
        world.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.That(await tier.ExpireDueAsync(), Is.Zero);
        Assert.That((await tier.GetSnapshotAsync()).RewardsHeld, Is.EqualTo(3), "the batch's three holds stay while it commits");

        await transaction.RollbackAsync();
        var written = await committing;
        Assert.That(written.Select(r => r.Refusal), Is.All.EqualTo(Refusal.None));
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That((await tier.GetSnapshotAsync()).RewardsHeld, Is.EqualTo(rows.Held).And.EqualTo(3));
        // The limit holds: one reward is left, and only one more pledge gets it.
        var rush = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => tier.ReserveAsync(GrainWorld.Request())));
        Assert.That(rush.Count(r => r.Refusal == Refusal.None), Is.EqualTo(1));
        Assert.That((await GrainWorld.RowsAsync(slug)).Held, Is.EqualTo(4));
        Assert.That((await tier.GetSnapshotAsync()).Remaining, Is.Zero);
    }

    [Test]
    public async Task A_change_hold_whose_pledge_grain_never_came_back_is_released_from_the_row()
    {
        var slug = await world.LaunchAsync("orphan", 500, GrainWorld.Tier("early", limit: 5, maxPerBacker: 5));
        var tier = world.Tier(slug, "early");
        var pledge = (await tier.ReserveAsync(GrainWorld.Request(quantity: 1))).Pledge!;
        await world.ConfirmAsync(pledge.Id);

        // A pledge grain holds four more rewards for a change, then its silo dies before writing or syncing.
        var hold = await tier.HoldForChangeAsync(pledge.Id, "FR", 5);
        Assert.That(hold.Refusal, Is.EqualTo(Refusal.None));
        Assert.That((await tier.GetSnapshotAsync()).Remaining, Is.Zero);

        world.Clock.Advance(TimeSpan.FromMinutes(2));
        await tier.ExpireDueAsync();

        var snapshot = await tier.GetSnapshotAsync();
        Assert.That(snapshot.Remaining, Is.EqualTo(4));
        Assert.That(snapshot.RewardsHeld, Is.EqualTo((await GrainWorld.RowsAsync(slug)).Held));
    }
}
