using System.Text.Json;
using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Pledges;
using Dapper;
using Npgsql;

namespace Crowdfund.Host.Api;

/// <summary>
/// Endpoints the launch-rush benchmark compares against, mapped only when "Crowdfund:Bench:Enabled" is true:
/// the HTTP ceiling of the box (no-op), and the design a team without actors would build (a row lock per pledge).
/// </summary>
public static class BenchEndpoints
{
    public static void MapBench(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("Crowdfund:Bench:Enabled")) return;
        var bench = app.MapGroup("/bench");
        bench.MapGet("/noop", () => Results.Ok(new { ok = true }));
        bench.MapPost("/noop", async (HttpRequest request) =>
        {
            var body = await JsonBody.ReadAsync<NewPledgeBody>(request);
            return body.Problem ?? Results.Ok(new { ok = true });
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
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0) return ApiProblems.Of(400, "idempotency-key-missing", "Send an Idempotency-Key header.");
        var body = await JsonBody.ReadAsync<NewPledgeBody>(request);
        if (body.Problem is not null) return body.Problem;
        var input = body.Value!;
        var country = input.Country?.ToUpperInvariant() ?? "";
        var problems = PledgeInputRules.Validate(country, input.Backer?.Name, input.Backer?.Email,
            input.ShippingAddress?.Line1, input.ShippingAddress?.City, input.ShippingAddress?.PostalCode);
        if (problems.Count > 0 || input.Quantity is not > 0) return ApiProblems.Validation(problems);

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var held = await connection.ExecuteAsync("""
            UPDATE bench_tiers SET held = held + @quantity WHERE id = @id AND held + @quantity <= "limit"
            """, new { id, quantity = input.Quantity.Value }, tx);
        if (held == 0) return ApiProblems.Of(409, "sold-out", "Not enough rewards of this tier are left.");
        var pledgeId = Guid.CreateVersion7();
        await connection.ExecuteAsync("""
            INSERT INTO bench_pledges (id, tier_id, quantity, country, backer_name, backer_email, shipping_address,
                                       idempotency_key, created_at)
            VALUES (@pledgeId, @id, @quantity, @country, @name, @email, @address::jsonb, @key, now())
            """, new
        {
            pledgeId, id, quantity = input.Quantity.Value, country, name = input.Backer!.Name, email = input.Backer.Email,
            address = JsonSerializer.Serialize(input.ShippingAddress), key,
        }, tx);
        await tx.CommitAsync();
        return Results.Created($"/bench/baseline/pledges/{pledgeId}", new { id = pledgeId, status = "Reserved" });
    }
}
