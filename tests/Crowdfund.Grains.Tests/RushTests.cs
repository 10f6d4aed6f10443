using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

/// <summary>A limited tier is never oversold, whatever arrives at once.</summary>
public sealed class RushTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task Three_thousand_concurrent_pledges_on_a_tier_of_100_hold_exactly_100()
    {
        var slug = await world.LaunchAsync("rush", 500, GrainWorld.Tier("early", limit: 100));
        var tier = world.Tier(slug, "early");

        var results = await Task.WhenAll(Enumerable.Range(0, 3000)
            .Select(i => tier.ReserveAsync(GrainWorld.Request(i % 2 == 0 ? "FR" : "US"))));

        Assert.That(results.Count(r => r.Refusal == Refusal.None), Is.EqualTo(100));
        Assert.That(results.Count(r => r.Refusal == Refusal.SoldOut), Is.EqualTo(2900));
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That(rows.Held, Is.EqualTo(100));
        Assert.That(rows.Rows, Is.EqualTo(100));
        var snapshot = await tier.GetSnapshotAsync();
        Assert.That(snapshot.RewardsHeld, Is.EqualTo(100));
        Assert.That(snapshot.Remaining, Is.Zero);
    }

    [Test]
    public async Task One_batch_answers_each_request_in_order_replays_included()
    {
        var slug = await world.LaunchAsync("batch", 500, GrainWorld.Tier("early", limit: 3));
        var tier = world.Tier(slug, "early");
        var earlier = await tier.ReserveAsync(GrainWorld.Request(key: "earlier", body: "a"));

        // What the edge sends when a rush meets retries: new pledges past the limit, a key repeated inside the batch,
        // the replay of a stored pledge after the sell-out, and a stored key sent with another body.
        var results = await tier.ReserveManyAsync(
        [
            GrainWorld.Request(key: "k1"),
            GrainWorld.Request(key: "twice", body: "x"),
            GrainWorld.Request(key: "twice", body: "x"),
            GrainWorld.Request(key: "k2"),
            GrainWorld.Request(key: "earlier", body: "a"),
            GrainWorld.Request(key: "earlier", body: "b"),
        ]);

        Assert.That(results[0].Refusal, Is.EqualTo(Refusal.None));
        Assert.That(results[1].Refusal, Is.EqualTo(Refusal.None));
        Assert.That(results[2].Replayed, Is.True, "the second copy of a key answers with the first one's pledge");
        Assert.That(results[2].Pledge!.Id, Is.EqualTo(results[1].Pledge!.Id));
        Assert.That(results[3].Refusal, Is.EqualTo(Refusal.SoldOut));
        Assert.That(results[4].Replayed, Is.True, "a replay after the sell-out still gets its pledge");
        Assert.That(results[4].Pledge!.Id, Is.EqualTo(earlier.Pledge!.Id));
        Assert.That(results[5].Refusal, Is.EqualTo(Refusal.IdempotencyKeyReused));
        var rows = await AssertCountersEqualRowsAsync(slug, tier, limit: 3);
        Assert.That(rows.Rows, Is.EqualTo(3));
    }

    [Test]
    public async Task A_retry_arriving_while_its_original_commits_the_last_reward_answers_as_its_replay()
    {
        var slug = await world.LaunchAsync("inflight", 500, GrainWorld.Tier("early", limit: 1));
        var tier = world.Tier(slug, "early");

        // Keep the original's commit open: another transaction takes its key first, so PostgreSQL makes the
        // original's insert wait on the unique index until that transaction rolls back.
        await using var blocker = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping,
                                 tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key,
                                 request_hash, created_at, updated_at, locale)
            VALUES (gen_random_uuid(), @slug, 'early', 'FR', 1, 1, 'Reserved', 'EUR', 0, 0, 0, 0, 'x', 'x@example.org',
                    '{}', '\x00', 'retried', '\x00', now(), now(), 'fr-FR')
            """, new { slug }, transaction);
        var original = tier.ReserveAsync(GrainWorld.Request(key: "retried", body: "x"));
        await Eventually.Until(async () => await LockWaits.CountAsync(blocker, transaction) > 0,
            "the original's insert waits on the key held by the blocking transaction");

        // The original holds the only reward and is committing; its retry finds the tier sold out and no row yet.
        var retry = tier.ReserveAsync(GrainWorld.Request(key: "retried", body: "x"));
        await Task.WhenAny(retry, Task.Delay(500));
        Assert.That(retry.IsCompleted, Is.False, "the retry waits for its original's commit");
        await transaction.RollbackAsync();

        var (first, again) = (await original, await retry);
        Assert.That(first.Refusal, Is.EqualTo(Refusal.None));
        Assert.That(again.Replayed, Is.True);
        Assert.That(again.Pledge!.Id, Is.EqualTo(first.Pledge!.Id));
        Assert.That((await AssertCountersEqualRowsAsync(slug, tier, limit: 1)).Rows, Is.EqualTo(1));
    }

    [Test]
    public async Task Cancellations_confirmations_and_expiries_during_a_rush_never_oversell()
    {
        var slug = await world.LaunchAsync("churn", 500, GrainWorld.Tier("early", limit: 100, maxPerBacker: 3));
        var tier = world.Tier(slug, "early");
        var first = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => tier.ReserveAsync(GrainWorld.Request(quantity: 1 + i % 3))));
        var held = first.Where(r => r.Pledge is not null).Select(r => r.Pledge!.Id).ToList();

        // While a second wave arrives, a third of the holders cancel and another third confirm.
        var wave = Enumerable.Range(0, 1500).Select(i => (Task)tier.ReserveAsync(GrainWorld.Request(quantity: 1 + i % 3)));
        var cancels = held.Where((_, i) => i % 3 == 0).Select(id => (Task)world.CancelAsync(id));
        var confirms = held.Where((_, i) => i % 3 == 1).Select(id => (Task)world.ConfirmAsync(id));
        await Task.WhenAll(wave.Concat(cancels).Concat(confirms));

        await AssertCountersEqualRowsAsync(slug, tier, limit: 100);

        // The hold window passes: every reservation not confirmed expires and frees its rewards.
        world.Clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await tier.ExpireDueAsync();
        Assert.That(expired, Is.GreaterThan(0));
        var rows = await AssertCountersEqualRowsAsync(slug, tier, limit: 100);
        Assert.That(rows.ReservedUnits, Is.Zero);
        Assert.That(rows.ConfirmedPledges, Is.EqualTo(held.Count(id => held.IndexOf(id) % 3 == 1)));

        // What expired is for sale again.
        var again = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => tier.ReserveAsync(GrainWorld.Request())));
        Assert.That(again.Count(r => r.Pledge is not null), Is.EqualTo(100 - rows.Held));
        await AssertCountersEqualRowsAsync(slug, tier, limit: 100);
    }

    private static async Task<RowTotals> AssertCountersEqualRowsAsync(string slug, IRewardTierGrain tier, int limit)
    {
        var rows = await GrainWorld.RowsAsync(slug);
        var snapshot = await tier.GetSnapshotAsync();
        Assert.That(rows.Held, Is.LessThanOrEqualTo(limit));
        Assert.That(snapshot.RewardsHeld, Is.EqualTo(rows.Held));
        Assert.That(snapshot.Remaining, Is.EqualTo(limit - rows.Held));
        Assert.That(snapshot.ConfirmedUnits, Is.EqualTo(rows.ConfirmedUnits));
        Assert.That(snapshot.ReservedUnits, Is.EqualTo(rows.ReservedUnits));
        Assert.That(snapshot.ConfirmedBackers, Is.EqualTo(rows.ConfirmedPledges));
        return rows;
    }
}
