using Crowdfund.Domain;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crowdfund.Infrastructure.Tests;

public sealed class PledgeWriterTests
{
    [SetUp]
    public Task MigrateAsync() => Database.MigrateAsync();

    [Test]
    public async Task A_reused_key_is_refused_and_the_new_rows_of_its_batch_still_commit()
    {
        var campaign = $"writer-{Guid.NewGuid():N}"[..20];
        await using var writer = new PledgeWriter(TestDatabase.DataSource, NullLogger<PledgeWriter>.Instance);
        Assert.That(await writer.InsertManyAsync([Row(campaign, "first")]), Is.EqualTo(new[] { true }));

        // Sixty rows at once, so that batches mix new keys, a key already stored, and keys repeated among
        // themselves; whichever way they are batched, each key goes in exactly once.
        var rows = Enumerable.Range(0, 60).Select(i => Row(campaign, i % 3 == 0 ? "first" : $"key-{i % 20}")).ToList();
        // One call per row, as separate callers would make them.
        var answers = (await Task.WhenAll(rows.Select(r => writer.InsertManyAsync([r])))).Select(a => a.Single()).ToArray();

        var accepted = rows.Where((_, i) => answers[i]).ToList();
        Assert.That(accepted.Select(r => r.IdempotencyKey), Is.Unique);
        Assert.That(accepted.Select(r => r.IdempotencyKey).Order(),
            Is.EqualTo(rows.Select(r => r.IdempotencyKey).Where(k => k != "first").Distinct().Order()));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<Guid>("SELECT id FROM pledges WHERE campaign_id = @campaign",
            new { campaign })).ToHashSet();
        Assert.That(stored, Has.Count.EqualTo(accepted.Count + 1));
        Assert.That(accepted.All(r => stored.Contains(r.Id)), Is.True, "every acknowledged row is stored");
    }

    [Test]
    public async Task One_call_commits_its_rows_together_and_answers_each_in_order()
    {
        var campaign = $"writer-{Guid.NewGuid():N}"[..20];
        var stats = new PledgePathStats();
        await using var writer = new PledgeWriter(TestDatabase.DataSource, NullLogger<PledgeWriter>.Instance, stats);
        Assert.That(await writer.InsertManyAsync([Row(campaign, "stored")]), Is.EqualTo(new[] { true }));

        // More rows than one batch holds, so the call goes alone; a key repeats inside it and one is already stored.
        var rows = Enumerable.Range(0, 700).Select(i => Row(campaign, $"key-{i}")).ToList();
        rows[10] = Row(campaign, "key-3");
        rows[20] = Row(campaign, "stored");
        var answers = await writer.InsertManyAsync(rows);

        Assert.That(answers, Has.Length.EqualTo(700));
        Assert.That(answers[3], Is.True);
        Assert.That(answers[10], Is.False, "the later copy of a key repeated in the call");
        Assert.That(answers[20], Is.False, "a key stored before");
        Assert.That(answers.Count(a => !a), Is.EqualTo(2));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<Guid>("SELECT id FROM pledges WHERE campaign_id = @campaign",
            new { campaign })).ToHashSet();
        Assert.That(stored, Has.Count.EqualTo(699));
        // Two commits (the lone row, then the call of 700), counting the rows that went in, not the refused ones.
        var totals = stats.Snapshot();
        Assert.That((totals.Commits, totals.CommittedRows), Is.EqualTo((2L, 699L)));
        Assert.That(totals.CommitSeconds, Is.GreaterThan(0));
        Assert.That(rows.Where((_, i) => answers[i]).All(r => stored.Contains(r.Id)), Is.True);
    }

    private static NewPledge Row(string campaign, string key)
    {
        var now = DateTimeOffset.UtcNow;
        return new NewPledge(Guid.CreateVersion7(), campaign, "early", "FR", 1, 1, new AmountLines("EUR", 9900, 900, 1800, 10800),
            "Backer", "backer@example.org", new ShippingAddress("1 rue de Rivoli", null, "Paris", null, "75001"),
            new byte[32], key, new byte[32], now, now.AddMinutes(15));
    }
}
