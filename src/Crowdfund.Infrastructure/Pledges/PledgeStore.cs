using Crowdfund.Domain;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>
/// Point reads and conditional writes of pledge rows. Every update names the status and tier it expects, so a
/// stale caller changes nothing and learns so from the row count.
/// </summary>
public sealed class PledgeStore(NpgsqlDataSource dataSource)
{
    private const string RecordColumns = """
        id AS Id, campaign_id AS CampaignId, tier_id AS TierId, country AS Country, quantity AS Quantity,
        units AS Units, status AS Status, currency AS Currency, subtotal AS Subtotal, shipping AS Shipping, tax AS Tax,
        total AS Total, token_hash AS TokenHash, request_hash AS RequestHash, created_at AS CreatedAt,
        hold_expires_at AS HoldExpiresAt, confirmed_at AS ConfirmedAt, idempotency_key AS IdempotencyKey
        """;

    public async Task<PledgeRecord?> GetAsync(Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RecordRow>(
            $"SELECT {RecordColumns} FROM pledges WHERE id = @id", new { id });
        return row?.ToRecord();
    }

    /// <summary>
    /// The pledges of a campaign written under any of the given idempotency keys, by key: one index probe per key
    /// in one round trip, so a batch of refusals (after a sell-out, say) costs one query.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PledgeRecord>> FindByIdempotencyKeysAsync(string campaignId,
        IEnumerable<string> idempotencyKeys)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<RecordRow>(
            $"SELECT {RecordColumns} FROM pledges WHERE campaign_id = @campaignId AND idempotency_key = ANY(@keys)",
            new { campaignId, keys = idempotencyKeys.Distinct(StringComparer.Ordinal).ToArray() });
        return rows.ToDictionary(r => r.IdempotencyKey, r => r.ToRecord(), StringComparer.Ordinal);
    }

    /// <summary>The reserved and confirmed pledges of one tier (an index range, not a scan).</summary>
    public async Task<IReadOnlyList<LivePledge>> LoadLiveAsync(string campaignId, string tierId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<LiveRow>("""
            SELECT id AS Id, country AS Country, quantity AS Quantity, units AS Units, status AS Status,
                   currency AS Currency, total AS Total, hold_expires_at AS HoldExpiresAt
              FROM pledges
             WHERE campaign_id = @campaignId AND tier_id = @tierId AND status IN ('Reserved', 'Confirmed')
            """, new { campaignId, tierId });
        return rows.Select(r => new LivePledge(r.Id, r.Country, r.Quantity, r.Units, Enum.Parse<PledgeStatus>(r.Status),
            r.Currency, r.Total, r.HoldExpiresAt)).ToList();
    }

    /// <summary>Confirmed units of a campaign confirmed since a moment (for the velocity after a restart).</summary>
    public async Task<int> ConfirmedUnitsSinceAsync(string campaignId, DateTimeOffset since)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT coalesce(sum(units), 0)::int FROM pledges
             WHERE campaign_id = @campaignId AND confirmed_at > @since AND status = 'Confirmed'
            """, new { campaignId, since });
    }

    /// <summary>Moves one pledge of a tier from one status to another; false when it was not in that status there.</summary>
    public async Task<bool> SetStatusAsync(Guid id, string tierId, PledgeStatus from, PledgeStatus to, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            UPDATE pledges
               SET status = @To, updated_at = @now, version = version + 1,
                   confirmed_at = CASE WHEN @To = 'Confirmed' THEN @now ELSE confirmed_at END
             WHERE id = @id AND tier_id = @tierId AND status = @From
            """, new { id, tierId, From = from.ToString(), To = to.ToString(), now }) == 1;
    }

    /// <summary>Expires the given reservations that are still reserved and overdue; returns those it expired.</summary>
    public async Task<IReadOnlyList<Guid>> ExpireAsync(string campaignId, string tierId, Guid[] ids, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var expired = await connection.QueryAsync<Guid>("""
            UPDATE pledges SET status = 'Expired', updated_at = @now, version = version + 1
             WHERE id = ANY(@ids) AND campaign_id = @campaignId AND tier_id = @tierId
               AND status = 'Reserved' AND hold_expires_at <= @now
            RETURNING id
            """, new { ids, campaignId, tierId, now });
        return expired.ToList();
    }

    /// <summary>
    /// Rewrites quantity, tier and amounts of a live pledge of <paramref name="fromTierId"/>; false when the pledge
    /// is no longer live there.
    /// </summary>
    public async Task<bool> ChangeAsync(Guid id, string fromTierId, string toTierId, int quantity, int units,
        AmountLines amounts, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            UPDATE pledges
               SET tier_id = @toTierId, quantity = @quantity, units = @units, currency = @Currency,
                   subtotal = @Subtotal, shipping = @Shipping, tax = @Tax, total = @Total,
                   updated_at = @now, version = version + 1
             WHERE id = @id AND tier_id = @fromTierId AND status IN ('Reserved', 'Confirmed')
            """, new
        {
            id, fromTierId, toTierId, quantity, units, amounts.Currency, amounts.Subtotal, amounts.Shipping,
            amounts.Tax, amounts.Total, now,
        }) == 1;
    }

    private sealed record LiveRow(Guid Id, string Country, int Quantity, int Units, string Status, string Currency,
        long Total, DateTimeOffset? HoldExpiresAt);

    private sealed record RecordRow(Guid Id, string CampaignId, string TierId, string Country, int Quantity, int Units,
        string Status, string Currency, long Subtotal, long Shipping, long Tax, long Total, byte[] TokenHash,
        byte[] RequestHash, DateTimeOffset CreatedAt, DateTimeOffset? HoldExpiresAt, DateTimeOffset? ConfirmedAt,
        string IdempotencyKey)
    {
        public PledgeRecord ToRecord() => new(Id, CampaignId, TierId, Country, Quantity, Units,
            Enum.Parse<PledgeStatus>(Status), new AmountLines(Currency, Subtotal, Shipping, Tax, Total), TokenHash,
            RequestHash, CreatedAt, HoldExpiresAt, ConfirmedAt);
    }
}
