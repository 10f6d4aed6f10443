using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>The ledger's side of a campaign's reconciliation, read from the pledges and their charges and disputes.</summary>
public sealed class ReconciliationStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        SELECT p.id AS PledgeId, p.status AS Status, p.currency AS Currency, p.charge_attempt AS ChargeAttempt,
               c.payment_intent_id AS PaymentIntentId, p.collected_amount AS Collected, p.refunded_amount AS Refunded
        FROM pledges p
        LEFT JOIN payment_charges c ON c.pledge_id = p.id AND c.attempt = p.charge_attempt
        WHERE p.campaign_id = @campaignId
        """;

    /// <summary>Every pledge of the campaign that money concerns: a charge was tried, something collected or disputed.</summary>
    public Task<IReadOnlyList<LedgerPledge>> ReadAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ReadAsync(campaignId, $"""
            {Columns}
              AND (p.charge_attempt > 0 OR p.collected_amount > 0 OR EXISTS (SELECT FROM payment_disputes d WHERE d.pledge_id = p.id))
            """, null, cancellationToken);

    /// <summary>
    /// These pledges of the campaign, whatever their state: those the provider has payments for that the first read did
    /// not return, to tell a pledge the ledger never charged from one it does not have at all.
    /// </summary>
    public Task<IReadOnlyList<LedgerPledge>> ReadAsync(string campaignId, IReadOnlyCollection<Guid> pledgeIds,
        CancellationToken cancellationToken = default) =>
        ReadAsync(campaignId, $"{Columns}\n  AND p.id = ANY(@pledgeIds)", pledgeIds.ToArray(), cancellationToken);

    private async Task<IReadOnlyList<LedgerPledge>> ReadAsync(string campaignId, string sql, Guid[]? pledgeIds,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for both reads: a pledge and its disputes as of the same moment.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var pledges = (await connection.QueryAsync<PledgeRow>(new CommandDefinition(sql, new { campaignId, pledgeIds },
            transaction, cancellationToken: cancellationToken))).ToList();
        var disputes = (await connection.QueryAsync<DisputeRow>(new CommandDefinition("""
            SELECT pledge_id AS PledgeId, status AS Status, amount AS Amount
            FROM payment_disputes
            WHERE pledge_id = ANY(@ids)
            ORDER BY created_at, dispute_id
            """, new { ids = pledges.Select(p => p.PledgeId).ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToLookup(d => d.PledgeId);
        await transaction.CommitAsync(cancellationToken);
        return pledges.Select(p =>
        {
            var contested = disputes[p.PledgeId].ToList();
            return new LedgerPledge(p.PledgeId, p.Status, p.Currency, p.ChargeAttempt, p.PaymentIntentId, p.Collected, p.Refunded,
                contested.Where(d => DisputeStatuses.TakesMoney(d.Status)).Sum(d => d.Amount), contested.LastOrDefault()?.Status);
        }).ToList();
    }

    private sealed record PledgeRow(Guid PledgeId, string Status, string Currency, int ChargeAttempt, string? PaymentIntentId,
        long Collected, long Refunded);

    private sealed record DisputeRow(Guid PledgeId, string Status, long Amount);
}
