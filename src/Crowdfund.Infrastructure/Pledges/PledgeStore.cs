using Crowdfund.Domain;
using Crowdfund.Grains.Pledges;
using Crowdfund.Grains.Tiers;
using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>
/// Point reads and conditional writes of pledge rows. Every update names the version or the status it expects, so a
/// stale caller changes nothing and learns so from the row count.
/// </summary>
public sealed class PledgeStore(NpgsqlDataSource dataSource) : IPledgeStore
{
    private const string RecordColumns = """
        id AS Id, campaign_id AS CampaignId, tier_id AS TierId, country AS Country, quantity AS Quantity,
        units AS Units, status AS Status, currency AS Currency, subtotal AS Subtotal, shipping AS Shipping, tax AS Tax,
        total AS Total, token_hash AS TokenHash, request_hash AS RequestHash, created_at AS CreatedAt,
        hold_expires_at AS HoldExpiresAt, confirmed_at AS ConfirmedAt, idempotency_key AS IdempotencyKey,
        version AS Version, setup_attempt AS SetupAttempt, card_attempt AS CardAttempt, customer_id AS CustomerId,
        payment_method_id AS PaymentMethodId, charge_attempt AS ChargeAttempt, collected_amount AS CollectedAmount,
        refunded_amount AS RefundedAmount, collected_at AS CollectedAt, fix_by AS FixBy, next_charge_at AS NextChargeAt
        """;

    public async Task<PledgeRecord?> GetAsync(Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RecordRow>(
            $"SELECT {RecordColumns} FROM pledges WHERE id = @id", new { id });
        return row?.ToRecord();
    }

    /// <remarks>One index probe per key in one round trip, so a batch of refusals (after a sell-out, say) costs one query.</remarks>
    public async Task<IReadOnlyDictionary<string, PledgeRecord>> FindByIdempotencyKeysAsync(string campaignId,
        IEnumerable<string> idempotencyKeys)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<RecordRow>(
            $"SELECT {RecordColumns} FROM pledges WHERE campaign_id = @campaignId AND idempotency_key = ANY(@keys)",
            new { campaignId, keys = idempotencyKeys.Distinct(StringComparer.Ordinal).ToArray() });
        return rows.ToDictionary(r => r.IdempotencyKey, r => r.ToRecord(), StringComparer.Ordinal);
    }

    /// <remarks>An index range of the tier's rows, not a scan.</remarks>
    public async Task<IReadOnlyList<LivePledge>> LoadLiveAsync(string campaignId, string tierId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<LiveRow>("""
            SELECT id AS Id, country AS Country, quantity AS Quantity, units AS Units, status AS Status,
                   currency AS Currency, total AS Total, hold_expires_at AS HoldExpiresAt
              FROM pledges
             WHERE campaign_id = @campaignId AND tier_id = @tierId AND status = ANY(@holding)
            """, new { campaignId, tierId, holding = PledgeStatuses.Holding });
        return rows.Select(r =>
        {
            var status = Enum.Parse<PledgeStatus>(r.Status);
            return new LivePledge(r.Id, r.Country, r.Quantity, r.Units, status, r.Currency, r.Total,
                status == PledgeStatus.Reserved ? r.HoldExpiresAt : null);
        }).ToList();
    }

    public async Task<int> ConfirmedUnitsSinceAsync(string campaignId, DateTimeOffset since)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT coalesce(sum(units), 0)::int FROM pledges
             WHERE campaign_id = @campaignId AND confirmed_at > @since AND status = ANY(@counting)
            """, new { campaignId, since, counting = PledgeStatuses.Counting });
    }

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

    /// <remarks>
    /// One statement: while the campaign must be live, it takes the campaign row FOR SHARE, which the end of the
    /// campaign takes FOR UPDATE (<see cref="Campaigns.CampaignStore.EndAsync"/>), so a change either commits before
    /// the end counts the rows or finds the campaign ended.
    /// </remarks>
    public async Task<PledgeWrite> UpdateAsync(PledgeUpdate update)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        if (update.Messages.Count == 0) return await UpdateAsync(connection, null, update);
        await using var transaction = await connection.BeginTransactionAsync();
        var written = await UpdateAsync(connection, transaction, update);
        if (written == PledgeWrite.Written) await transaction.CommitAsync();
        return written;
    }

    /// <summary>
    /// Runs <paramref name="write"/> and the pledge's update (when given) in one transaction: <paramref name="write"/>
    /// only when the update is written, and nothing is committed otherwise.
    /// </summary>
    internal static async Task<PledgeWrite> WithUpdateAsync(NpgsqlDataSource dataSource, PledgeUpdate? update,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> write)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (update is not null)
        {
            var written = await UpdateAsync(connection, transaction, update);
            if (written != PledgeWrite.Written) return written;
        }
        await write(connection, transaction);
        await transaction.CommitAsync();
        return PledgeWrite.Written;
    }

    /// <summary>
    /// The update, inside the caller's transaction when it gives one (a setup row commits with it), with its outbox
    /// messages (which need a transaction).
    /// </summary>
    internal static async Task<PledgeWrite> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        PledgeUpdate update)
    {
        var row = update.Row;
        var (updated, live) = await connection.QuerySingleAsync<(int, int)>("""
            WITH live AS (
                SELECT c.id FROM campaigns c
                 WHERE c.id = (SELECT campaign_id FROM pledges WHERE id = @Id) AND c.status = 'Live'
                   AND @WhileCampaignLive
                   FOR SHARE),
            updated AS (
                UPDATE pledges
                   SET status = @Status, tier_id = @TierId, quantity = @Quantity, units = @Units, currency = @Currency,
                       subtotal = @Subtotal, shipping = @Shipping, tax = @Tax, total = @Total,
                       hold_expires_at = @HoldExpiresAt, setup_attempt = @SetupAttempt, card_attempt = @CardAttempt,
                       customer_id = @CustomerId, payment_method_id = @PaymentMethodId,
                       charge_attempt = @ChargeAttempt, collected_amount = @CollectedAmount,
                       refunded_amount = @RefundedAmount, collected_at = @CollectedAt, fix_by = @FixBy,
                       next_charge_at = @NextChargeAt,
                       confirmed_at = CASE WHEN @Status = 'Confirmed' AND confirmed_at IS NULL THEN @Now ELSE confirmed_at END,
                       updated_at = @Now, version = version + 1
                 WHERE id = @Id AND version = @ExpectedVersion
                   AND (NOT @WhileCampaignLive OR EXISTS (SELECT FROM live))
                RETURNING 1)
            SELECT (SELECT count(*) FROM updated)::int, (SELECT count(*) FROM live)::int
            """, new
        {
            row.Id, update.ExpectedVersion, Status = row.Status.ToString(), row.TierId, row.Quantity, row.Units,
            row.Amounts.Currency, row.Amounts.Subtotal, row.Amounts.Shipping, row.Amounts.Tax, row.Amounts.Total,
            row.HoldExpiresAt, row.SetupAttempt, row.CardAttempt, row.CustomerId, row.PaymentMethodId, update.Now,
            update.WhileCampaignLive, row.ChargeAttempt, row.CollectedAmount, row.RefundedAmount, row.CollectedAt,
            row.FixBy, row.NextChargeAt,
        }, transaction);
        if (updated == 1)
        {
            if (update.Messages.Count > 0 && transaction is null)
                throw new InvalidOperationException("Outbox messages are written only inside a transaction.");
            foreach (var message in update.Messages) await Postgres.Outbox.AddAsync(connection, transaction!, message);
        }
        return updated == 1 ? PledgeWrite.Written
            : update.WhileCampaignLive && live == 0 ? PledgeWrite.CampaignNotLive
            : PledgeWrite.Conflict;
    }

    private sealed record LiveRow(Guid Id, string Country, int Quantity, int Units, string Status, string Currency,
        long Total, DateTimeOffset? HoldExpiresAt);

    private sealed record RecordRow(Guid Id, string CampaignId, string TierId, string Country, int Quantity, int Units,
        string Status, string Currency, long Subtotal, long Shipping, long Tax, long Total, byte[] TokenHash,
        byte[] RequestHash, DateTimeOffset CreatedAt, DateTimeOffset? HoldExpiresAt, DateTimeOffset? ConfirmedAt,
        string IdempotencyKey, int Version, int SetupAttempt, int? CardAttempt, string? CustomerId, string? PaymentMethodId,
        int ChargeAttempt, long CollectedAmount, long RefundedAmount, DateTimeOffset? CollectedAt, DateTimeOffset? FixBy,
        DateTimeOffset? NextChargeAt)
    {
        public PledgeRecord ToRecord() => new(Id, CampaignId, TierId, Country, Quantity, Units,
            Enum.Parse<PledgeStatus>(Status), new AmountLines(Currency, Subtotal, Shipping, Tax, Total), TokenHash,
            RequestHash, CreatedAt, HoldExpiresAt, ConfirmedAt, Version, SetupAttempt, CardAttempt, CustomerId,
            PaymentMethodId, ChargeAttempt, CollectedAmount, RefundedAmount, CollectedAt, FixBy, NextChargeAt);
    }
}
