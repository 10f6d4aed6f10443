using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Partners;

/// <summary>Partners, their keys and their campaigns, on PostgreSQL.</summary>
public sealed class PartnerStore(NpgsqlDataSource dataSource)
{
    public async Task<PartnerChange> CreateAsync(string id, string name, string webhookUrl, string key, string signingSecret,
        DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var added = await connection.ExecuteAsync("""
            INSERT INTO partners (id, name, webhook_url, signing_secret, created_at, updated_at)
            VALUES (@id, @name, @webhookUrl, @signingSecret, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """, new { id, name, webhookUrl, signingSecret, now }, tx);
        if (added == 0) return new PartnerChange(null, Refusal.PartnerExists);
        await InsertKeyAsync(connection, tx, id, key, now);
        await tx.CommitAsync();
        return new PartnerChange(await ReadAsync(connection, id));
    }

    public async Task<Partner?> GetAsync(string id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await ReadAsync(connection, id);
    }

    public async Task<PartnerChange> UpdateAsync(string id, string name, string webhookUrl, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var changed = await connection.ExecuteAsync(
            "UPDATE partners SET name = @name, webhook_url = @webhookUrl, updated_at = @now WHERE id = @id",
            new { id, name, webhookUrl, now });
        return changed == 0 ? new PartnerChange(null, Refusal.PartnerNotFound) : new PartnerChange(await ReadAsync(connection, id));
    }

    /// <summary>
    /// Adds a key; every older key that is still valid stays so until <paramref name="previousValidUntil"/> (never
    /// longer than it already would), so that the partner switches without a moment with no working key.
    /// </summary>
    public async Task<PartnerChange> AddKeyAsync(string id, string key, DateTimeOffset previousValidUntil, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // The partner's row is locked so that two rotations at once leave one newest key, not two.
        var exists = await connection.ExecuteScalarAsync<string?>(
            "SELECT id FROM partners WHERE id = @id FOR UPDATE", new { id }, tx);
        if (exists is null) return new PartnerChange(null, Refusal.PartnerNotFound);
        await connection.ExecuteAsync("""
            UPDATE partner_keys SET expires_at = @previousValidUntil
             WHERE partner_id = @id AND (expires_at IS NULL OR expires_at > @previousValidUntil)
            """, new { id, previousValidUntil }, tx);
        await InsertKeyAsync(connection, tx, id, key, now);
        await tx.CommitAsync();
        return new PartnerChange(await ReadAsync(connection, id));
    }

    /// <summary>Ends a key now, found by its visible start (a leaked key is revoked without waiting for its expiry).</summary>
    public async Task<PartnerChange> RevokeKeyAsync(string id, string prefix, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var changed = await connection.ExecuteAsync("""
            UPDATE partner_keys SET expires_at = @now
             WHERE partner_id = @id AND key_prefix = @prefix AND (expires_at IS NULL OR expires_at > @now)
            """, new { id, prefix, now });
        if (changed > 0) return new PartnerChange(await ReadAsync(connection, id));
        var partner = await ReadAsync(connection, id);
        return partner is null
            ? new PartnerChange(null, Refusal.PartnerNotFound)
            : partner.Keys.Any(k => k.Prefix == prefix) ? new PartnerChange(partner) : new PartnerChange(null, Refusal.PartnerKeyNotFound);
    }

    /// <summary>Links a campaign to its manufacturer; linking it again to the same one changes nothing.</summary>
    public async Task<PartnerChange> LinkAsync(string partnerId, string campaignId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(bool Campaign, bool Partner, string? Linked)>("""
            SELECT EXISTS (SELECT 1 FROM campaigns WHERE id = @campaignId),
                   EXISTS (SELECT 1 FROM partners WHERE id = @partnerId),
                   (SELECT partner_id FROM partner_campaigns WHERE campaign_id = @campaignId)
            """, new { partnerId, campaignId });
        if (!row.Campaign) return new PartnerChange(null, Refusal.CampaignNotFound);
        if (!row.Partner) return new PartnerChange(null, Refusal.PartnerNotFound);
        if (row.Linked is null)
        {
            await connection.ExecuteAsync("""
                INSERT INTO partner_campaigns (campaign_id, partner_id, linked_at) VALUES (@campaignId, @partnerId, @now)
                ON CONFLICT (campaign_id) DO NOTHING
                """, new { partnerId, campaignId, now });
            row.Linked = await connection.ExecuteScalarAsync<string>(
                "SELECT partner_id FROM partner_campaigns WHERE campaign_id = @campaignId", new { campaignId });
            if (row.Linked == partnerId) await WakeWebhooksAsync(connection, campaignId);
        }
        return row.Linked == partnerId
            ? new PartnerChange(await ReadAsync(connection, partnerId))
            : new PartnerChange(null, Refusal.CampaignHasPartner);
    }

    /// <summary>The partner a key belongs to, if the key is valid at <paramref name="now"/>.</summary>
    public async Task<string?> FindByKeyAsync(string key, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("""
            SELECT partner_id FROM partner_keys
             WHERE key_hash = @hash AND (expires_at IS NULL OR expires_at > @now)
            """, new { hash = PartnerKeys.Hash(key), now });
    }

    public async Task<bool> ManufacturesAsync(string partnerId, string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM partner_campaigns WHERE campaign_id = @campaignId AND partner_id = @partnerId)",
            new { partnerId, campaignId });
    }

    /// <summary>Where the webhooks of a campaign go, or null while no partner manufactures it.</summary>
    public async Task<PartnerEndpoint?> EndpointOfCampaignAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<PartnerEndpoint>("""
            SELECT p.id AS PartnerId, p.webhook_url AS WebhookUrl, p.signing_secret AS SigningSecret
              FROM partner_campaigns c JOIN partners p ON p.id = c.partner_id
             WHERE c.campaign_id = @campaignId
            """, new { campaignId });
    }

    /// <summary>
    /// Messages for a campaign that had no partner yet waited (or were parked) for want of a URL: they go now, with a
    /// fresh count of attempts.
    /// </summary>
    private static Task WakeWebhooksAsync(NpgsqlConnection connection, string campaignId) =>
        connection.ExecuteAsync("""
            UPDATE outbox SET next_attempt_at = NULL, attempts = 0
             WHERE dispatched_at IS NULL AND topic LIKE 'partner.%' AND payload -> 'data' ->> 'campaignId' = @campaignId
            """, new { campaignId });

    private static Task InsertKeyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string id, string key,
        DateTimeOffset now) =>
        connection.ExecuteAsync("""
            INSERT INTO partner_keys (key_hash, partner_id, key_prefix, created_at) VALUES (@hash, @id, @prefix, @now)
            """, new { hash = PartnerKeys.Hash(key), id, prefix = PartnerKeys.Shown(key), now }, tx);

    private static async Task<Partner?> ReadAsync(NpgsqlConnection connection, string id)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PartnerRow>(
            "SELECT id AS Id, name AS Name, webhook_url AS WebhookUrl, created_at AS CreatedAt FROM partners WHERE id = @id",
            new { id });
        if (row is null) return null;
        var keys = await connection.QueryAsync<PartnerKeyInfo>("""
            SELECT key_prefix AS Prefix, created_at AS CreatedAt, expires_at AS ExpiresAt
              FROM partner_keys WHERE partner_id = @id ORDER BY created_at, key_prefix
            """, new { id });
        var campaigns = await connection.QueryAsync<string>(
            "SELECT campaign_id FROM partner_campaigns WHERE partner_id = @id ORDER BY campaign_id", new { id });
        return new Partner(row.Id, row.Name, row.WebhookUrl, row.CreatedAt, keys.ToList(), campaigns.ToList());
    }

    private sealed record PartnerRow(string Id, string Name, string WebhookUrl, DateTimeOffset CreatedAt);
}
