using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Testing;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Crowdfund.Infrastructure.Tests.Orleans;

public sealed class ReminderTableTests
{
    private PostgresReminderTable table = null!;

    [SetUp]
    public async Task SetUp()
    {
        await Database.MigrateAsync();
        table = new PostgresReminderTable(TestDatabase.DataSource,
            Options.Create(new ClusterOptions { ServiceId = TestSilo.NewClusterId("reminders") }));
    }

    [Test]
    public async Task Upsert_renews_the_etag_and_a_removal_with_an_old_one_fails()
    {
        var grain = GrainId.Create("probe", "a");
        var first = await table.UpsertRow(Reminder(grain, "tick", TimeSpan.FromMinutes(1)));
        var second = await table.UpsertRow(Reminder(grain, "tick", TimeSpan.FromMinutes(2)));

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(await table.RemoveRow(grain, "tick", first!), Is.False);
        var stored = await table.ReadRow(grain, "tick");
        Assert.That(stored!.Period, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(stored.ETag, Is.EqualTo(second));

        Assert.That(await table.RemoveRow(grain, "tick", second!), Is.True);
        Assert.That(await table.ReadRow(grain, "tick"), Is.Null);
    }

    [Test]
    public async Task Reads_by_grain_and_by_ring_range_including_a_range_that_wraps()
    {
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("probe", $"g{i}")).ToList();
        foreach (var grain in grains) await table.UpsertRow(Reminder(grain, "tick", TimeSpan.FromMinutes(1)));
        await table.UpsertRow(Reminder(grains[0], "other", TimeSpan.FromMinutes(1)));

        Assert.That((await table.ReadRows(grains[0])).Reminders.Select(r => r.ReminderName),
            Is.EquivalentTo(new[] { "tick", "other" }));

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var begin = hashes[10];
        var end = hashes[30];
        var inside = await table.ReadRows(begin, end);
        Assert.That(inside.Reminders.Select(r => r.GrainId.GetUniformHashCode()),
            Is.All.GreaterThan(begin).And.All.LessThanOrEqualTo(end));
        var all = grains.Select(g => g.GetUniformHashCode()).Append(grains[0].GetUniformHashCode()).ToList();
        Assert.That(inside.Reminders, Has.Count.EqualTo(all.Count(h => h > begin && h <= end)));

        // (end, begin] wraps past the top of the ring: everything the first range did not hold.
        var wrapped = await table.ReadRows(end, begin);
        Assert.That(wrapped.Reminders.Count + inside.Reminders.Count, Is.EqualTo(41));
        Assert.That(wrapped.Reminders.Select(r => r.GrainId).Intersect(inside.Reminders.Select(r => r.GrainId)), Is.Empty);
    }

    private static ReminderEntry Reminder(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = DateTime.UtcNow,
        Period = period,
    };
}
