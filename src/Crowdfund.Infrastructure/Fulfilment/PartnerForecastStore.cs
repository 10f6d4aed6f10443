using System.Text.Json;
using Crowdfund.Grains.Fulfilment;
using Crowdfund.Grains.Outbox;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages.Outgoing;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>The forecasts sent to partners (table partner_forecasts), each written with its outbox message.</summary>
public sealed class PartnerForecastStore(NpgsqlDataSource dataSource) : IPartnerForecastStore
{
    private const string Columns =
        "campaign_id AS CampaignId, sequence AS Sequence, figures::text AS Figures, sent_at AS SentAt, final_sent_at AS FinalSentAt";

    public async Task<PartnerForecast?> GetAsync(string campaignId, string noticeKey)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<ForecastRow>(
            $"SELECT {Columns} FROM partner_forecasts WHERE campaign_id = @campaignId", new { campaignId });
        // The notice is forecast 0, and its figures are those the partner has: they are taken as they were written. A
        // notice from before forecasts existed has none, and the first update then brings them.
        row ??= await connection.QuerySingleOrDefaultAsync<ForecastRow>($"""
            WITH notice AS (
                INSERT INTO partner_forecasts (campaign_id, sequence, figures, sent_at)
                SELECT @campaignId, 0, coalesce(payload -> 'data' -> 'forecast', @empty::jsonb), created_at
                  FROM outbox WHERE key = @noticeKey
                ON CONFLICT (campaign_id) DO NOTHING
                RETURNING {Columns})
            SELECT * FROM notice
            UNION ALL
            SELECT {Columns} FROM partner_forecasts WHERE campaign_id = @campaignId
            LIMIT 1
            """, new { campaignId, noticeKey, empty = JsonSerializer.Serialize(UnitCounts.Empty, OutgoingJson.Options) });
        return row?.ToForecast();
    }

    public async Task<bool> RecordUpdateAsync(string campaignId, int sequence, UnitCounts figures, OutboxMessage message)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var taken = await connection.ExecuteAsync("""
            UPDATE partner_forecasts SET sequence = @sequence, figures = @figures::jsonb, sent_at = @sentAt
             WHERE campaign_id = @campaignId AND sequence = @sequence - 1 AND final_sent_at IS NULL
            """, new
        {
            campaignId, sequence, figures = JsonSerializer.Serialize(figures, OutgoingJson.Options), sentAt = message.CreatedAt,
        }, tx);
        if (taken == 0) return false;
        await Outbox.AddAsync(connection, tx, message);
        await tx.CommitAsync();
        return true;
    }

    public async Task<bool> RecordFinalAsync(string campaignId, OutboxMessage message)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var taken = await connection.ExecuteAsync("""
            UPDATE partner_forecasts SET final_sent_at = @sentAt WHERE campaign_id = @campaignId AND final_sent_at IS NULL
            """, new { campaignId, sentAt = message.CreatedAt }, tx);
        if (taken == 0) return false;
        await Outbox.AddAsync(connection, tx, message);
        await tx.CommitAsync();
        return true;
    }

    private sealed record ForecastRow(string CampaignId, int Sequence, string Figures, DateTimeOffset SentAt, DateTimeOffset? FinalSentAt)
    {
        public PartnerForecast ToForecast() => new(CampaignId, Sequence,
            JsonSerializer.Deserialize<UnitCounts>(Figures, OutgoingJson.Options) ?? UnitCounts.Empty, SentAt, FinalSentAt);
    }
}
