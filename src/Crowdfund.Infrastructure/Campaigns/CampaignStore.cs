using Crowdfund.Domain;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Campaigns;

/// <summary>Reads and writes campaigns, their tiers and events. Every draft-only write checks the status in SQL.</summary>
public sealed class CampaignStore(NpgsqlDataSource dataSource)
{
    public async Task<CampaignRecord?> GetAsync(string id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        using var grid = await connection.QueryMultipleAsync("""
            SELECT definition::text AS Definition, status AS Status, created_at AS CreatedAt,
                   launched_at AS LaunchedAt, finished_at AS FinishedAt
              FROM campaigns WHERE id = @id;
            SELECT definition::text FROM reward_tiers WHERE campaign_id = @id ORDER BY position, id;
            SELECT kind AS Kind, occurred_at AS OccurredAt, confirmed_units AS ConfirmedUnits
              FROM campaign_events WHERE campaign_id = @id ORDER BY occurred_at, kind;
            """, new { id });
        var row = await grid.ReadSingleOrDefaultAsync<CampaignRow>();
        if (row is null) return null;
        var tiers = (await grid.ReadAsync<string>()).Select(StoreJson.Deserialize<TierDefinition>).ToList();
        var events = (await grid.ReadAsync<EventRow>())
            .Select(e => new CampaignEvent(e.Kind, e.OccurredAt, e.ConfirmedUnits)).ToList();
        return new CampaignRecord(StoreJson.Deserialize<CampaignDefinition>(row.Definition),
            Enum.Parse<CampaignStatus>(row.Status), row.CreatedAt, row.LaunchedAt, row.FinishedAt, tiers, events);
    }

    /// <summary>Inserts a draft; false when the slug is taken.</summary>
    public async Task<bool> InsertAsync(CampaignDefinition definition, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO campaigns (id, status, definition, created_at)
            VALUES (@Slug, 'Draft', @Definition::jsonb, @now)
            ON CONFLICT (id) DO NOTHING
            """, new { definition.Slug, Definition = StoreJson.Serialize(definition), now }) == 1;
    }

    /// <summary>Replaces a draft's definition; false when it is not a draft.</summary>
    public async Task<bool> UpdateDefinitionAsync(CampaignDefinition definition)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE campaigns SET definition = @Definition::jsonb WHERE id = @Slug AND status = 'Draft'",
            new { definition.Slug, Definition = StoreJson.Serialize(definition) }) == 1;
    }

    /// <summary>Adds or replaces a tier of a draft, keeping its place; false when the campaign is not a draft.</summary>
    public async Task<bool> PutTierAsync(string campaignId, TierDefinition tier)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO reward_tiers (campaign_id, id, position, definition)
            SELECT c.id, @TierId,
                   (SELECT coalesce(max(position), -1) + 1 FROM reward_tiers WHERE campaign_id = c.id),
                   @Definition::jsonb
              FROM campaigns c WHERE c.id = @campaignId AND c.status = 'Draft'
            ON CONFLICT (campaign_id, id) DO UPDATE SET definition = excluded.definition
            """, new { campaignId, TierId = tier.Id, Definition = StoreJson.Serialize(tier) }) == 1;
    }

    public async Task<bool> RemoveTierAsync(string campaignId, string tierId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            DELETE FROM reward_tiers t USING campaigns c
             WHERE t.campaign_id = c.id AND c.id = @campaignId AND c.status = 'Draft' AND t.id = @tierId
            """, new { campaignId, tierId }) == 1;
    }

    /// <summary>Draft to Live; false when the campaign was not a draft.</summary>
    public async Task<bool> LaunchAsync(string campaignId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE campaigns SET status = 'Live', launched_at = @now WHERE id = @campaignId AND status = 'Draft'",
            new { campaignId, now }) == 1;
    }

    /// <summary>
    /// Records an event once (a second call with the same kind writes nothing and returns false), together with
    /// its outbox message when it has one, and the campaign's new status when it ends the campaign.
    /// </summary>
    public async Task<bool> RecordEventAsync(string campaignId, CampaignEvent campaignEvent,
        OutboxMessage? message = null, CampaignStatus? finalStatus = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO campaign_events (campaign_id, kind, occurred_at, confirmed_units)
            VALUES (@campaignId, @Kind, @OccurredAt, @ConfirmedUnits)
            ON CONFLICT (campaign_id, kind) DO NOTHING
            """, new { campaignId, campaignEvent.Kind, campaignEvent.OccurredAt, campaignEvent.ConfirmedUnits }, tx) == 1;
        if (!inserted) return false;
        if (message is not null)
            await Outbox.AddAsync(connection, tx, message);
        if (finalStatus is { } status)
            await connection.ExecuteAsync(
                "UPDATE campaigns SET status = @Status, finished_at = @OccurredAt WHERE id = @campaignId AND status = 'Live'",
                new { campaignId, Status = status.ToString(), campaignEvent.OccurredAt }, tx);
        await tx.CommitAsync();
        return true;
    }

    private sealed record CampaignRow(string Definition, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset? LaunchedAt, DateTimeOffset? FinishedAt);

    private sealed record EventRow(string Kind, DateTimeOffset OccurredAt, int ConfirmedUnits);
}
