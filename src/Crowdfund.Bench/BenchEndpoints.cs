using System.Text.Json;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Bench;

/// <summary>
/// Endpoints the launch-rush benchmark compares against, mapped only on the benchmark's own host ('host' mode of
/// this program), never on the production host: the HTTP ceiling of the box (no-op), the design a team without
/// actors would build (a row lock per pledge), and the pledge path's totals; for the collection scenario, the tiers
/// told about pledges it seeded, a campaign's deadline checked now, and the host's memory.
/// </summary>
internal static class BenchEndpoints
{
    public static void MapBench(this WebApplication app)
    {
        var bench = app.MapGroup("/bench");
        bench.MapGet("/noop", () => Results.Ok(new { ok = true }));
        bench.MapPost("/noop", async (HttpRequest request) =>
        {
            var body = await JsonBody.ReadAsync<NewPledgeBody>(request);
            return (IResult?)body.Problem ?? Results.Ok(new { ok = true });
        });
        // The pledge path's running totals, read before and after a run to say where its time went.
        bench.MapGet("/stats", (PledgePathStats stats) => Results.Ok(stats.Snapshot()));
        bench.MapPut("/baseline/tiers/{id}", CreateBaselineTierAsync);
        bench.MapPost("/baseline/tiers/{id}/pledges", BaselinePledgeAsync);
        bench.MapGet("/baseline/tiers/{id}", async (string id, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var row = await connection.QuerySingleOrDefaultAsync<(int Held, long Pledges)?>("""
                SELECT t.held, (SELECT count(*) FROM bench_pledges p WHERE p.tier_id = t.id) FROM bench_tiers t WHERE t.id = @id
                """, new { id });
            return row is { } r ? Results.Ok(new { held = r.Held, pledges = r.Pledges }) : Results.NotFound();
        });
        bench.MapPost("/campaigns/{slug}/seeded", SyncSeededAsync);
        // What the campaign's reminder does within a minute of the deadline, done at once.
        bench.MapPost("/campaigns/{slug}/deadline", async (string slug, IGrainFactory grains) =>
            Results.Ok(new { status = (await grains.GetGrain<ICampaignGrain>(slug).CheckDeadlineAsync()).ToString() }));
        bench.MapBenchMemory();
    }

    /// <summary>
    /// The collection scenario confirms its pledges with one SQL update instead of 20,000 card setups; each tier then
    /// takes those pledges from their rows, as it does when a pledge grain confirms one (one call per pledge).
    /// </summary>
    private static async Task<IResult> SyncSeededAsync(string slug, NpgsqlDataSource db, IGrainFactory grains)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid Id, string TierId)>(
            "SELECT id, tier_id FROM pledges WHERE campaign_id = @slug AND status = 'Confirmed'", new { slug });
        var synced = 0;
        foreach (var tier in rows.GroupBy(r => r.TierId))
        {
            var grain = grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, tier.Key));
            foreach (var chunk in tier.Chunk(256))
            {
                await Task.WhenAll(chunk.Select(r => grain.SyncPledgeAsync(r.Id)));
                synced += chunk.Length;
            }
        }
        return Results.Ok(new { synced });
    }

    private static async Task<IResult> CreateBaselineTierAsync(string id, int limit, NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS bench_tiers (id text PRIMARY KEY, "limit" integer NOT NULL, held integer NOT NULL);
            CREATE TABLE IF NOT EXISTS bench_pledges (
                id uuid PRIMARY KEY, tier_id text NOT NULL, quantity integer NOT NULL, country text NOT NULL,
                backer_name text NOT NULL, backer_email text NOT NULL, shipping_address jsonb NOT NULL,
                idempotency_key text NOT NULL UNIQUE, created_at timestamptz NOT NULL);
            INSERT INTO bench_tiers (id, "limit", held) VALUES (@id, @limit, 0)
            ON CONFLICT (id) DO UPDATE SET "limit" = excluded."limit";
            """, new { id, limit });
        return Results.NoContent();
    }

    /// <summary>The plain-SQL design: one transaction per pledge, all of a tier's pledges queueing on its row lock.</summary>
    private static async Task<IResult> BaselinePledgeAsync(string id, HttpRequest request, NpgsqlDataSource db)
    {
        // The same checks as the real path, so that the comparison is of the designs, not of the validation.
        var (read, problem) = await NewPledgeRequest.ReadAsync(request);
        if (read is null) return problem!;
        var (input, key) = (read.Input, read.IdempotencyKey);

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var held = await connection.ExecuteAsync("""
            UPDATE bench_tiers SET held = held + @quantity WHERE id = @id AND held + @quantity <= "limit"
            """, new { id, quantity = input.Quantity }, tx);
        if (held == 0) return ApiProblems.For(Refusal.SoldOut);
        var pledgeId = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO bench_pledges (id, tier_id, quantity, country, backer_name, backer_email, shipping_address,
                                       idempotency_key, created_at)
            VALUES (@pledgeId, @id, @quantity, @country, @name, @email, @address::jsonb, @key, now())
            """, new
        {
            pledgeId, id, quantity = input.Quantity, country = input.Country, name = input.BackerName,
            email = input.BackerEmail, address = JsonSerializer.Serialize(input.Address), key,
        }, tx);
        await tx.CommitAsync();
        return Results.Created($"/bench/baseline/pledges/{pledgeId}", new { id = pledgeId, status = "Reserved" });
    }
}
