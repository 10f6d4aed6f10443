using Crowdfund.Grains.Payments;
using Crowdfund.Grains.Pledges;
using Crowdfund.Infrastructure.Pledges;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>Charges, refunds and disputes of pledges, on PostgreSQL.</summary>
public sealed class LedgerStore(NpgsqlDataSource dataSource) : ILedgerStore
{
    private const string ChargeColumns = """
        pledge_id AS PledgeId, attempt AS Attempt, status AS Status, amount AS Amount, currency AS Currency,
        payment_intent_id AS PaymentIntentId, client_secret AS ClientSecret, charge_id AS ChargeId,
        failure_code AS FailureCode, decline_code AS DeclineCode, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string RefundColumns = """
        pledge_id AS PledgeId, request_key AS RequestKey, status AS Status, amount AS Amount, currency AS Currency,
        refund_id AS RefundId, reason AS Reason, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public async Task<PaymentCharge?> GetChargeAsync(Guid pledgeId, int attempt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<ChargeRow>(
            $"SELECT {ChargeColumns} FROM payment_charges WHERE pledge_id = @pledgeId AND attempt = @attempt", new { pledgeId, attempt });
        return row?.ToCharge();
    }

    public Task<PledgeWrite> SaveChargeAsync(PaymentCharge charge, PledgeUpdate? pledge) =>
        PledgeStore.WithUpdateAsync(dataSource, pledge, (connection, transaction) => connection.ExecuteAsync("""
            INSERT INTO payment_charges (pledge_id, attempt, status, amount, currency, payment_intent_id, client_secret,
                charge_id, failure_code, decline_code, created_at, updated_at)
            VALUES (@PledgeId, @Attempt, @Status, @Amount, @Currency, @PaymentIntentId, @ClientSecret, @ChargeId,
                @FailureCode, @DeclineCode, @CreatedAt, @UpdatedAt)
            ON CONFLICT (pledge_id, attempt) DO UPDATE SET
                status = excluded.status, payment_intent_id = excluded.payment_intent_id,
                client_secret = excluded.client_secret, charge_id = excluded.charge_id,
                failure_code = excluded.failure_code, decline_code = excluded.decline_code, updated_at = excluded.updated_at
            """, new
        {
            charge.PledgeId, charge.Attempt, Status = charge.Status.ToString(), charge.Amount, charge.Currency,
            charge.PaymentIntentId, charge.ClientSecret, charge.ChargeId, charge.FailureCode, charge.DeclineCode,
            charge.CreatedAt, charge.UpdatedAt,
        }, transaction));

    public async Task<Guid?> FindPledgeByPaymentIntentAsync(string paymentIntentId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid?>(
            "SELECT pledge_id FROM payment_charges WHERE payment_intent_id = @paymentIntentId", new { paymentIntentId });
    }

    public async Task<PaymentRefund?> GetRefundAsync(Guid pledgeId, string requestKey)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<RefundRow>(
            $"SELECT {RefundColumns} FROM payment_refunds WHERE pledge_id = @pledgeId AND request_key = @requestKey",
            new { pledgeId, requestKey });
        return row?.ToRefund();
    }

    public async Task<(long Pending, long Succeeded)> RefundTotalsAsync(Guid pledgeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT coalesce(sum(amount) FILTER (WHERE status = 'Pending'), 0)::bigint,
                   coalesce(sum(amount) FILTER (WHERE status = 'Succeeded'), 0)::bigint
              FROM payment_refunds WHERE pledge_id = @pledgeId
            """, new { pledgeId });
    }

    public async Task<PaymentCharge?> CollectedChargeAsync(Guid pledgeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QueryFirstOrDefaultAsync<ChargeRow>(
            $"SELECT {ChargeColumns} FROM payment_charges WHERE pledge_id = @pledgeId AND status = 'Succeeded' ORDER BY attempt DESC",
            new { pledgeId });
        return row?.ToCharge();
    }

    public Task<PledgeWrite> SaveRefundAsync(PaymentRefund refund, PledgeUpdate? pledge) =>
        PledgeStore.WithUpdateAsync(dataSource, pledge, (connection, transaction) => connection.ExecuteAsync("""
            INSERT INTO payment_refunds (pledge_id, request_key, status, amount, currency, refund_id, reason, created_at, updated_at)
            VALUES (@PledgeId, @RequestKey, @Status, @Amount, @Currency, @RefundId, @Reason, @CreatedAt, @UpdatedAt)
            ON CONFLICT (pledge_id, request_key) DO UPDATE SET
                status = excluded.status, refund_id = excluded.refund_id, updated_at = excluded.updated_at
            """, new
        {
            refund.PledgeId, refund.RequestKey, Status = refund.Status.ToString(), refund.Amount, refund.Currency,
            refund.RefundId, refund.Reason, refund.CreatedAt, refund.UpdatedAt,
        }, transaction));

    public async Task<PaymentDispute?> GetDisputeAsync(string disputeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<PaymentDispute>("""
            SELECT dispute_id AS DisputeId, pledge_id AS PledgeId, status AS Status, amount AS Amount, currency AS Currency,
                   reason AS Reason, created_at AS CreatedAt, updated_at AS UpdatedAt
              FROM payment_disputes WHERE dispute_id = @disputeId
            """, new { disputeId });
    }

    public Task<PledgeWrite> SaveDisputeAsync(PaymentDispute dispute, PledgeUpdate? pledge) =>
        PledgeStore.WithUpdateAsync(dataSource, pledge, (connection, transaction) => connection.ExecuteAsync("""
            INSERT INTO payment_disputes (dispute_id, pledge_id, status, amount, currency, reason, created_at, updated_at)
            VALUES (@DisputeId, @PledgeId, @Status, @Amount, @Currency, @Reason, @CreatedAt, @UpdatedAt)
            ON CONFLICT (dispute_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """, dispute, transaction));

    public async Task<IReadOnlyList<string>> SavedCardsAsync(Guid pledgeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("""
            SELECT DISTINCT payment_method_id FROM payment_setups
             WHERE pledge_id = @pledgeId AND status = 'Succeeded' AND payment_method_id IS NOT NULL
            """, new { pledgeId })).ToList();
    }

    private sealed record ChargeRow(Guid PledgeId, int Attempt, string Status, long Amount, string Currency,
        string? PaymentIntentId, string? ClientSecret, string? ChargeId, string? FailureCode, string? DeclineCode,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public PaymentCharge ToCharge() => new(PledgeId, Attempt, Enum.Parse<ChargeStatus>(Status), Amount, Currency,
            PaymentIntentId, ClientSecret, ChargeId, FailureCode, DeclineCode, CreatedAt, UpdatedAt);
    }

    private sealed record RefundRow(Guid PledgeId, string RequestKey, string Status, long Amount, string Currency,
        string? RefundId, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public PaymentRefund ToRefund() => new(PledgeId, RequestKey, Enum.Parse<RefundStatus>(Status), Amount, Currency,
            RefundId, Reason, CreatedAt, UpdatedAt);
    }
}
