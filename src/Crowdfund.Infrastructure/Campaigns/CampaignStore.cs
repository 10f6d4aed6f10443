using Crowdfund.Domain;
using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Outbox;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Campaigns;

/// <summary>Reads and writes campaigns, their tiers and events. Every draft-only write checks the status in SQL.</summary>
public sealed class CampaignStore(NpgsqlDataSource dataSource) : ICampaignStore
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

    public async Task<bool> InsertAsync(CampaignDefinition definition, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO campaigns (id, status, definition, created_at)
            VALUES (@Slug, 'Draft', @Definition::jsonb, @now)
            ON CONFLICT (id) DO NOTHING
            """, new { definition.Slug, Definition = StoreJson.Serialize(definition), now }) == 1;
    }

    public async Task<bool> UpdateDefinitionAsync(CampaignDefinition definition)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE campaigns SET definition = @Definition::jsonb WHERE id = @Slug AND status = 'Draft'",
            new { definition.Slug, Definition = StoreJson.Serialize(definition) }) == 1;
    }

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

    public async Task<bool> LaunchAsync(string campaignId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "UPDATE campaigns SET status = 'Live', launched_at = @now WHERE id = @campaignId AND status = 'Draft'",
            new { campaignId, now }) == 1;
    }

    public async Task<bool> RecordEventAsync(string campaignId, CampaignEvent campaignEvent, OutboxMessage? message = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (!await InsertEventAsync(connection, tx, campaignId, campaignEvent)) return false;
        if (message is not null) await Outbox.AddAsync(connection, tx, message);
        await tx.CommitAsync();
        return true;
    }

    /// <remarks>
    /// The campaign row is the cut between before and after the end: every change a backer makes to a pledge takes it
    /// FOR SHARE (see <see cref="PledgeStore.UpdateAsync"/>), so taking it FOR UPDATE here waits for the changes
    /// already under way and holds back the rest, which then find the campaign ended. The confirmed units are
    /// counted after that, from the rows.
    /// </remarks>
    public async Task<CampaignEnding?> EndAsync(string campaignId, DateTimeOffset now, Func<int, CampaignEnding> decide)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM campaigns WHERE id = @campaignId FOR UPDATE", new { campaignId }, tx);
        if (status != nameof(CampaignStatus.Live)) return null;
        var confirmed = await connection.ExecuteScalarAsync<int>("""
            SELECT coalesce(sum(units), 0)::int FROM pledges WHERE campaign_id = @campaignId AND status = ANY(@counting)
            """, new { campaignId, counting = PledgeStatuses.Counting }, tx);
        var ending = decide(confirmed);
        await InsertEventAsync(connection, tx, campaignId, new CampaignEvent(ending.Status.ToString(), now, confirmed));
        await Outbox.AddAsync(connection, tx, ending.Message);
        var backers = await connection.QueryAsync<Guid>(
            "SELECT id FROM pledges WHERE campaign_id = @campaignId AND status = ANY(@counting)",
            new { campaignId, counting = PledgeStatuses.Counting }, tx);
        await Outbox.AddManyAsync(connection, tx, backers.Select(ending.ToBacker).ToList());
        await connection.ExecuteAsync(
            "UPDATE campaigns SET status = @Status, finished_at = @now WHERE id = @campaignId",
            new { campaignId, Status = ending.Status.ToString(), now }, tx);
        await tx.CommitAsync();
        return ending;
    }

    private static async Task<bool> InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string campaignId,
        CampaignEvent campaignEvent) =>
        await connection.ExecuteAsync("""
            INSERT INTO campaign_events (campaign_id, kind, occurred_at, confirmed_units)
            VALUES (@campaignId, @Kind, @OccurredAt, @ConfirmedUnits)
            ON CONFLICT (campaign_id, kind) DO NOTHING
            """, new { campaignId, campaignEvent.Kind, campaignEvent.OccurredAt, campaignEvent.ConfirmedUnits }, tx) == 1;

    private sealed record CampaignRow(string Definition, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset? LaunchedAt, DateTimeOffset? FinishedAt);

    private sealed record EventRow(string Kind, DateTimeOffset OccurredAt, int ConfirmedUnits);
}
