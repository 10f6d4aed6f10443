using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

/// <summary>One bad request never hurts another: a batch answers each request alone, and its holds follow its rows.</summary>
public sealed class PoisonTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task Poisoned_requests_in_a_batch_are_refused_alone_and_every_honest_one_is_stored()
    {
        var slug = await world.LaunchAsync("poison", 500, GrainWorld.Tier("early", limit: 50));
        var tier = world.Tier(slug, "early");
        var honest = Enumerable.Range(0, 40).Select(_ => GrainWorld.Request()).ToList();
        // What the edge refuses, sent to the grain as another caller might: text PostgreSQL cannot store, and
        // fields the contract says are never null.
        var poisoned = new[]
        {
            GrainWorld.Request() with { BackerName = "Ada\u0000Lovelace" },
            GrainWorld.Request() with { Address = new ShippingAddress("1 rue\u0000", null, "Paris", null, "75002") },
            GrainWorld.Request() with { BackerEmail = null! },
            GrainWorld.Request() with { IdempotencyKey = null! },
        };
        var batch = honest.Take(20).Concat(poisoned).Concat(honest.Skip(20)).ToArray();

        var results = await tier.ReserveManyAsync(batch);

        Assert.That(results.Take(20).Concat(results.Skip(24)).Select(r => r.Refusal), Is.All.EqualTo(Refusal.None));
        Assert.That(results.Skip(20).Take(4).Select(r => r.Refusal), Is.All.EqualTo(Refusal.PledgeRejected));
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That(rows.Rows, Is.EqualTo(40));
        var snapshot = await tier.GetSnapshotAsync();
        Assert.That(snapshot.RewardsHeld, Is.EqualTo(rows.Held));
        Assert.That(snapshot.Remaining, Is.EqualTo(10));
    }

    [Test]
    public async Task A_request_whose_check_throws_is_refused_alone_and_holds_nothing()
    {
        // A tier stored before today's limits, priced so that two rewards overflow a long: the check of that request
        // throws in the middle of the batch's hold step.
        var slug = await world.LaunchAsync("legacy", 500, GrainWorld.Tier("early", limit: 10, maxPerBacker: 2));
        await using (var connection = await TestDatabase.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                UPDATE reward_tiers SET definition = jsonb_set(definition, '{prices,USD}', to_jsonb(@price))
                 WHERE campaign_id = @slug AND id = 'early'
                """, new { slug, price = long.MaxValue / 2 + 1 });
        }
        var tier = world.Tier(slug, "early");
        await tier.ReloadAsync();

        var results = await tier.ReserveManyAsync(
        [
            GrainWorld.Request("FR"), GrainWorld.Request("US"), GrainWorld.Request("US", quantity: 2), GrainWorld.Request("FR"),
        ]);

        Assert.That(results.Select(r => r.Refusal), Is.EqualTo(new[]
        {
            Refusal.None, Refusal.None, Refusal.PledgeRejected, Refusal.None,
        }));
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That(rows.Held, Is.EqualTo(3));
        Assert.That((await tier.GetSnapshotAsync()).RewardsHeld, Is.EqualTo(rows.Held));
    }

    [Test]
    public async Task A_batch_whose_write_fails_keeps_its_holds_until_the_tier_is_rebuilt_from_the_rows()
    {
        var slug = await world.LaunchAsync("dbfail", 500, GrainWorld.Tier("early", limit: 3));
        var tier = world.Tier(slug, "early");
        await tier.ReserveAsync(GrainWorld.Request());
        // The database fails the next writes of this campaign as a whole (not a row's fault): nobody can say what
        // committed, so the tier must neither acknowledge them nor sell their rewards to anyone else.
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var trigger = $"fail_{slug.Replace('-', '_')}";
        await connection.ExecuteAsync($"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.campaign_id = '{slug}' THEN RAISE EXCEPTION 'injected outage' USING ERRCODE = '57P01'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION {trigger}();
            """);
        try
        {
            Assert.That(async () => await tier.ReserveManyAsync([GrainWorld.Request(), GrainWorld.Request()]), Throws.Exception);
        }
        finally
        {
            await connection.ExecuteAsync($"DROP TRIGGER {trigger} ON pledges; DROP FUNCTION {trigger}();");
        }

        // The failed activation is discarded once idle; the next one counts the one row there is.
        await Eventually.Until(async () => (await tier.GetSnapshotAsync()).RewardsHeld == 1,
            "the tier is rebuilt from its rows after the failed write");
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => tier.ReserveAsync(GrainWorld.Request())));
        Assert.That(again.Count(r => r.Refusal == Refusal.None), Is.EqualTo(2));
        var rows = await GrainWorld.RowsAsync(slug);
        Assert.That(rows.Held, Is.EqualTo(3));
        Assert.That((await tier.GetSnapshotAsync()).RewardsHeld, Is.EqualTo(3));
    }
}
