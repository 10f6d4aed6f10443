using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>
/// A backer's address correction after the campaign succeeded, until the address lock. The pledge grain never writes
/// the address (it settles money), so this store is its only writer after the end.
/// </summary>
public sealed class AddressStore(NpgsqlDataSource dataSource)
{
    /// <summary>The statuses whose pledge will (or may still) become an order.</summary>
    private const string Correctable = "('Confirmed', 'PaymentPending', 'Collected', 'PartiallyRefunded', 'PaymentFailed', 'ActionRequired')";

    /// <summary>The pledge's country, when the token matches, for the address to be checked against.</summary>
    public async Task<string?> CountryAsync(Guid pledgeId, byte[] tokenHash)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT country FROM pledges WHERE id = @pledgeId AND token_hash = @tokenHash", new { pledgeId, tokenHash });
    }

    public async Task<Refusal> CorrectAsync(Guid pledgeId, byte[] tokenHash, ShippingAddress address, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var pledge = await connection.QuerySingleOrDefaultAsync<(string CampaignId, string Status, string CampaignStatus)>("""
            SELECT p.campaign_id, p.status, c.status
              FROM pledges p JOIN campaigns c ON c.id = p.campaign_id
             WHERE p.id = @pledgeId AND p.token_hash = @tokenHash
               FOR UPDATE OF p
            """, new { pledgeId, tokenHash }, tx);
        if (pledge.CampaignId is null) return Refusal.PledgeNotFound;
        // Before the end the pledge's own change (PATCH) moves the address, through its grain.
        if (pledge.CampaignStatus != nameof(CampaignStatus.Succeeded)) return Refusal.InvalidPledgeState;
        // FOR SHARE: a freeze under way (it holds the row FOR UPDATE) finishes first and this one sees it frozen;
        // one starting after waits for this correction to commit, and freezes the new address.
        var lockRow = await connection.QuerySingleOrDefaultAsync<(DateTimeOffset? LockAt, DateTimeOffset? FrozenAt)>("""
            SELECT address_lock_at, frozen_at FROM fulfilments WHERE campaign_id = @campaignId FOR SHARE
            """, new { campaignId = pledge.CampaignId }, tx);
        if (lockRow.FrozenAt is not null || lockRow.LockAt <= now) return Refusal.AddressLocked;
        var changed = await connection.ExecuteAsync($"""
            UPDATE pledges SET shipping_address = @address::jsonb, updated_at = @now
             WHERE id = @pledgeId AND status IN {Correctable}
            """, new { pledgeId, address = StoreJson.Serialize(address), now }, tx);
        if (changed == 0) return Refusal.InvalidPledgeState;
        await tx.CommitAsync();
        return Refusal.None;
    }
}
