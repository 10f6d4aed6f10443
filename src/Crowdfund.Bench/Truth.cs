using Dapper;
using Npgsql;

namespace Crowdfund.Bench;

/// <summary>What the database says, to check every run against.</summary>
internal sealed class Truth(NpgsqlDataSource db)
{
    public async Task<(long Rows, long Held)> PledgesAsync(string slug, string tierId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT count(*), coalesce(sum(quantity), 0)::bigint FROM pledges
             WHERE campaign_id = @slug AND tier_id = @tierId AND status IN ('Reserved', 'Confirmed')
            """, new { slug, tierId });
    }

    public async Task<(long Rows, long Held)> BaselineAsync(string tierId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT (SELECT count(*) FROM bench_pledges WHERE tier_id = @tierId),
                   (SELECT held FROM bench_tiers WHERE id = @tierId)::bigint
            """, new { tierId });
    }

    public async Task<string> SettingAsync(string name)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>($"SHOW {name}") ?? "";
    }
}
