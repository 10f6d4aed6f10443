using Crowdfund.Grains.Collection;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Collection;

/// <summary>Collection runs and the pledge queries they walk by, on PostgreSQL (index pledges_by_status).</summary>
public sealed class CollectionStore(NpgsqlDataSource dataSource) : ICollectionStore
{
    private const string RunColumns =
        "campaign_id AS CampaignId, status AS Status, started_at AS StartedAt, finished_at AS FinishedAt";

    public async Task<CollectionRun?> GetRunAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(
            $"SELECT {RunColumns} FROM collection_runs WHERE campaign_id = @campaignId", new { campaignId });
        return row?.ToRun();
    }

    public async Task<CollectionRun> StartRunAsync(string campaignId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<RunRow>($"""
            WITH added AS (
                INSERT INTO collection_runs (campaign_id, status, started_at, updated_at)
                VALUES (@campaignId, 'Running', @now, @now)
                ON CONFLICT (campaign_id) DO NOTHING
                RETURNING {RunColumns})
            SELECT * FROM added
            UNION ALL
            SELECT {RunColumns} FROM collection_runs WHERE campaign_id = @campaignId
            LIMIT 1
            """, new { campaignId, now });
        return row.ToRun();
    }

    public async Task SetStatusAsync(string campaignId, CollectionStatus status, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE collection_runs
               SET status = @status, updated_at = @now,
                   finished_at = CASE WHEN @status = 'Finished' THEN @now ELSE finished_at END
             WHERE campaign_id = @campaignId AND status <> 'Finished'
            """, new { campaignId, status = status.ToString(), now });
    }

    public async Task<IReadOnlyList<Guid>> DueAsync(string campaignId, CollectionKind kind, DateTimeOffset now, Guid after, int limit)
    {
        var due = kind == CollectionKind.Release
            ? "status IN ('Reserved', 'Confirmed')"
            : """
              (status IN ('Confirmed', 'PaymentPending')
               OR (status IN ('PaymentFailed', 'ActionRequired') AND (next_charge_at <= @now OR fix_by <= @now)))
              """;
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>($"""
            SELECT id FROM pledges
             WHERE campaign_id = @campaignId AND id > @after AND {due}
             ORDER BY id LIMIT @limit
            """, new { campaignId, now, after, limit })).ToList();
    }

    public async Task<DateTimeOffset?> NextDueAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTimeOffset?>("""
            SELECT min(least(next_charge_at, fix_by)) FROM pledges
             WHERE campaign_id = @campaignId AND status IN ('PaymentFailed', 'ActionRequired')
            """, new { campaignId });
    }

    public async Task<IReadOnlyList<PledgeGroup>> GroupsAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<GroupRow>("""
            SELECT status AS Status, country AS Country, tier_id AS TierId, currency AS Currency, count(*)::int AS Pledges,
                   sum(units)::int AS Units, sum(collected_amount)::bigint AS Collected, sum(refunded_amount)::bigint AS Refunded
              FROM pledges WHERE campaign_id = @campaignId
             GROUP BY status, country, tier_id, currency
            """, new { campaignId });
        return rows.Select(r => new PledgeGroup(Enum.Parse<PledgeStatus>(r.Status), r.Country, r.TierId, r.Currency,
            r.Pledges, r.Units, r.Collected, r.Refunded)).ToList();
    }

    private sealed record RunRow(string CampaignId, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
    {
        public CollectionRun ToRun() => new(CampaignId, Enum.Parse<CollectionStatus>(Status), StartedAt, FinishedAt);
    }

    private sealed record GroupRow(string Status, string Country, string TierId, string Currency, int Pledges, int Units,
        long Collected, long Refunded);
}
