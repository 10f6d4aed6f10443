using Crowdfund.Messages;

namespace Crowdfund.Grains.Tests;

public sealed class PledgeTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task The_same_idempotency_key_replays_the_first_answer_and_refuses_another_request()
    {
        var slug = await world.LaunchAsync("idem", 500, GrainWorld.Tier("early", limit: 10));
        var tier = world.Tier(slug, "early");
        var first = await tier.ReserveAsync(GrainWorld.Request(key: "key-1", body: "a"));

        var replay = await tier.ReserveAsync(GrainWorld.Request(key: "key-1", body: "a"));
        var reuse = await tier.ReserveAsync(GrainWorld.Request(key: "key-1", body: "b"));

        Assert.That(replay.Replayed, Is.True);
        Assert.That(replay.Pledge!.Id, Is.EqualTo(first.Pledge!.Id));
        Assert.That(reuse.Refusal, Is.EqualTo(Refusal.IdempotencyKeyReused));
        Assert.That((await GrainWorld.RowsAsync(slug)).Rows, Is.EqualTo(1));
        Assert.That((await tier.GetSnapshotAsync()).RewardsHeld, Is.EqualTo(1));
    }

    [TestCase("GB", 1, Refusal.CountryNotOpen)]
    [TestCase("US", 1, Refusal.NotShippingThere)]
    [TestCase("FR", 0, Refusal.QuantityOutOfRange)]
    [TestCase("FR", 3, Refusal.QuantityOutOfRange)]
    public async Task A_refused_pledge_writes_nothing(string country, int quantity, Refusal expected)
    {
        var slug = await world.LaunchAsync("refuse", 500, GrainWorld.Tier("eu", limit: 10, maxPerBacker: 2, shipsTo: ["FR", "DE", "ES"]));

        var result = await world.Tier(slug, "eu").ReserveAsync(GrainWorld.Request(country, quantity));

        Assert.That(result.Refusal, Is.EqualTo(expected));
        Assert.That((await GrainWorld.RowsAsync(slug)).Rows, Is.Zero);
        Assert.That((await world.Tier(slug, "eu").GetSnapshotAsync()).RewardsHeld, Is.Zero);
    }

    [Test]
    public async Task Unknown_campaigns_and_tiers_and_drafts_take_no_pledge()
    {
        var draft = GrainWorld.NewSlug("draft");
        await world.Campaign(draft).CreateAsync(GrainWorld.Definition(draft, 500, world.Clock.GetUtcNow().AddDays(1)));
        await world.Campaign(draft).PutTierAsync(GrainWorld.Tier("std"));
        var live = await world.LaunchAsync("known", 500, GrainWorld.Tier("std"));

        Assert.That((await world.Tier("no-such-campaign", "std").ReserveAsync(GrainWorld.Request())).Refusal, Is.EqualTo(Refusal.CampaignNotFound));
        Assert.That((await world.Tier(live, "nope").ReserveAsync(GrainWorld.Request())).Refusal, Is.EqualTo(Refusal.TierNotFound));
        Assert.That((await world.Tier(draft, "std").ReserveAsync(GrainWorld.Request())).Refusal, Is.EqualTo(Refusal.CampaignNotLive));
        Assert.That((await GrainWorld.RowsAsync(draft)).Rows + (await GrainWorld.RowsAsync(live)).Rows, Is.Zero);
    }

    [Test]
    public async Task A_backer_changes_quantity_moves_tier_and_cancels_with_the_token_only()
    {
        var slug = await world.LaunchAsync("change", 500, GrainWorld.Tier("early", limit: 3, maxPerBacker: 3), GrainWorld.Tier("duo", unitsPerReward: 2));
        var request = GrainWorld.Request(quantity: 1);
        var id = (await world.Tier(slug, "early").ReserveAsync(request)).Pledge!.Id;
        var pledge = world.Grains.GetGrain<IPledgeGrain>(id);
        var token = GrainWorld.TokenHashOf(request);

        Assert.That((await pledge.GetAsync(new byte[32])).Refusal, Is.EqualTo(Refusal.PledgeNotFound));
        Assert.That((await pledge.ChangeAsync(new byte[32], "early", 2)).Refusal, Is.EqualTo(Refusal.PledgeNotFound));

        var bigger = await pledge.ChangeAsync(token, "early", 3);
        Assert.That(bigger.Pledge!.Quantity, Is.EqualTo(3));
        Assert.That(bigger.Pledge.Amounts.Subtotal, Is.EqualTo(3 * 7900));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).Remaining, Is.Zero);

        var moved = await pledge.ChangeAsync(token, "duo", 2);
        Assert.That(moved.Pledge!.TierId, Is.EqualTo("duo"));
        Assert.That(moved.Pledge.Units, Is.EqualTo(4));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).Remaining, Is.EqualTo(3));
        Assert.That((await world.Tier(slug, "duo").GetSnapshotAsync()).ReservedUnits, Is.EqualTo(4));

        var cancelled = await pledge.CancelAsync(token);
        Assert.That(cancelled.Pledge!.Status, Is.EqualTo(PledgeStatus.Cancelled));
        Assert.That((await pledge.ChangeAsync(token, "duo", 1)).Refusal, Is.EqualTo(Refusal.InvalidPledgeState));
        Assert.That(await GrainWorld.RowsAsync(slug), Is.EqualTo(new RowTotals(0, 0, 0, 0, 1)));
    }

    [Test]
    public async Task A_move_into_a_sold_out_tier_is_refused_and_leaves_the_pledge_where_it_was()
    {
        var slug = await world.LaunchAsync("move", 500, GrainWorld.Tier("std"), GrainWorld.Tier("early", limit: 1));
        await world.Tier(slug, "early").ReserveAsync(GrainWorld.Request());
        var request = GrainWorld.Request();
        var id = (await world.Tier(slug, "std").ReserveAsync(request)).Pledge!.Id;

        var refused = await world.Grains.GetGrain<IPledgeGrain>(id).ChangeAsync(GrainWorld.TokenHashOf(request), "early", 1);

        Assert.That(refused.Refusal, Is.EqualTo(Refusal.SoldOut));
        Assert.That((await GrainWorld.RowsAsync(slug, "std")).Held, Is.EqualTo(1));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).RewardsHeld, Is.EqualTo(1));
    }

    [Test]
    public async Task An_expired_reservation_cannot_be_confirmed_and_frees_its_rewards()
    {
        var slug = await world.LaunchAsync("expire", 500, GrainWorld.Tier("early", limit: 5));
        var id = (await world.Tier(slug, "early").ReserveAsync(GrainWorld.Request(quantity: 2))).Pledge!.Id;

        world.Clock.Advance(TimeSpan.FromMinutes(15));
        var confirm = await world.ConfirmAsync(id);

        Assert.That(confirm.Refusal, Is.EqualTo(Refusal.InvalidPledgeState));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).Remaining, Is.EqualTo(5));
        Assert.That(await GrainWorld.RowsAsync(slug), Is.EqualTo(new RowTotals(0, 0, 0, 0, 1)));
    }
}
