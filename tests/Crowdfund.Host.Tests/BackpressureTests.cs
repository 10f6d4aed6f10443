using System.Net;
using Crowdfund.Testing;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>A queue that is full answers 503 with Retry-After at once; memory does not grow with the rush.</summary>
public sealed class BackpressureTests
{
    [Test]
    public async Task Past_the_edge_queue_a_pledge_is_answered_503_with_retry_after_and_the_queued_ones_go_through()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in ApiHost.Settings(TestSilo.NewClusterId("queue"))) host.UseSetting(key, value);
            host.UseSetting("Crowdfund:MaxQueuedReservations", "4");
        });
        using var team = factory.CreateClient();
        team.DefaultRequestHeaders.Authorization = new("Bearer", ApiHost.TeamKey);
        var slug = await ApiHost.LaunchCampaignAsync("queue", client: team);
        using var client = factory.CreateClient();

        // Both calls a tier may have in flight wait on keys an open transaction holds, so what comes next queues.
        await using var blocker = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        foreach (var key in new[] { "held-1", "held-2" })
        {
            await blocker.ExecuteAsync("""
                INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal,
                    shipping, tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key,
                    request_hash, created_at, updated_at, locale)
                VALUES (gen_random_uuid(), @slug, 'other', 'FR', 1, 1, 'Reserved', 'EUR', 0, 0, 0, 0, 'x',
                    'x@example.org', '{}', '\x00', @key, '\x00', now(), now(), 'fr-FR')
                """, new { slug, key }, transaction);
        }
        // One after the other, so that each waits in a writer of its own.
        var held = new List<Task<HttpResponseMessage>>();
        foreach (var key in new[] { "held-1", "held-2" })
        {
            held.Add(Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), key));
            await Eventually.Until(async () => await blocker.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))",
                    transaction: transaction) == held.Count,
                $"{key} waits on its key");
        }

        var more = Enumerable.Range(0, 10).Select(i => Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), $"more-{i}")).ToList();
        await Eventually.Until(() => Task.FromResult(more.Count(t => t.IsCompleted) == 6), "six answered at once");
        foreach (var refused in more.Where(t => t.IsCompleted).Select(t => t.Result))
        {
            await Http.AssertProblemAsync(refused, 503, "busy");
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        }

        await transaction.RollbackAsync();
        var queued = (await Task.WhenAll(more.Where(t => !t.IsCompleted || t.Result.StatusCode != HttpStatusCode.ServiceUnavailable)))
            .Concat(await Task.WhenAll(held)).ToList();
        Assert.That(queued.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        Assert.That(queued, Has.Count.EqualTo(6));
        Assert.That(await Http.PledgeRowsAsync(slug), Is.EqualTo(6));
    }
}
