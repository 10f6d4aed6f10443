using Crowdfund.Domain.Rules;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Factory;

/// <summary>A production stage as the partner reported it; <paramref name="Date"/> is "yyyy-MM-dd".</summary>
public sealed record ProductionStage(string Stage, string Date, string? Note);

/// <summary>The production stages of campaigns, on PostgreSQL.</summary>
public sealed class StageStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records a stage; the same stage on the same day again changes its note (a correction) or nothing (a retry).
    /// True when the stage is new.
    /// </summary>
    public async Task<bool> SaveAsync(string campaignId, ProductionStage stage, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        // xmax is 0 on a row this statement inserted, and the updating transaction's id on one it updated.
        return await connection.ExecuteScalarAsync<bool>("""
            INSERT INTO production_stages (campaign_id, stage, stage_date, note, created_at, updated_at)
            VALUES (@campaignId, @Stage, @Date::date, @Note, @now, @now)
            ON CONFLICT (campaign_id, stage, stage_date) DO UPDATE SET
                note = excluded.note,
                updated_at = CASE WHEN production_stages.note IS DISTINCT FROM excluded.note
                                  THEN excluded.updated_at ELSE production_stages.updated_at END
            RETURNING xmax = 0
            """, new { campaignId, stage.Stage, stage.Date, stage.Note, now });
    }

    /// <summary>The campaign's stages in date order, stages of one day in the order a factory goes through them.</summary>
    public async Task<IReadOnlyList<ProductionStage>> ListAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<ProductionStage>("""
            SELECT stage AS Stage, to_char(stage_date, 'YYYY-MM-DD') AS Date, note AS Note
              FROM production_stages WHERE campaign_id = @campaignId
            """, new { campaignId });
        return rows.OrderBy(s => s.Date, StringComparer.Ordinal).ThenBy(s => ProductionStages.Rank(s.Stage)).ToList();
    }
}
