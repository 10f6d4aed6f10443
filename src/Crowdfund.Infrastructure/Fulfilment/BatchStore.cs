using Crowdfund.Messages.Fulfilment;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>What the partner does with its batches: list them, read one, acknowledge it.</summary>
public sealed class BatchStore(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 200;

    /// <summary>The partner's batches after <paramref name="after"/> (a batch id, the cursor), optionally of one status.</summary>
    public async Task<IReadOnlyList<BatchHeader>> ListAsync(string partnerId, BatchStatus? status, string? after, int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await BatchRows.HeadersAsync(connection,
            "b.partner_id = @partnerId AND (@status::text IS NULL OR b.status = @status) AND (@after::text IS NULL OR b.id > @after)",
            new { partnerId, status = status?.ToString(), after }, Math.Clamp(limit, 1, MaxPage));
    }

    /// <summary>The batch, if it is the partner's; reading it counts as delivered (the partner has it).</summary>
    public async Task<BatchHeader?> GetAsync(string partnerId, string batchId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE order_batches SET delivered_at = @now, status = 'Delivered'
             WHERE id = @batchId AND partner_id = @partnerId AND delivered_at IS NULL
            """, new { partnerId, batchId, now });
        return (await BatchRows.HeadersAsync(connection, "b.id = @batchId AND b.partner_id = @partnerId",
            new { partnerId, batchId })).SingleOrDefault();
    }

    /// <summary>Acknowledges the partner's batch; again changes nothing. Null when it is not the partner's.</summary>
    public async Task<BatchHeader?> AcknowledgeAsync(string partnerId, string batchId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE order_batches
               SET acknowledged_at = @now, delivered_at = coalesce(delivered_at, @now), status = 'Acknowledged'
             WHERE id = @batchId AND partner_id = @partnerId AND acknowledged_at IS NULL
            """, new { partnerId, batchId, now });
        return (await BatchRows.HeadersAsync(connection, "b.id = @batchId AND b.partner_id = @partnerId",
            new { partnerId, batchId })).SingleOrDefault();
    }

    /// <summary>The webhook took the batch: delivered, unless it is further along already.</summary>
    public async Task MarkDeliveredAsync(string batchId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE order_batches SET delivered_at = @now, status = 'Delivered'
             WHERE id = @batchId AND delivered_at IS NULL
            """, new { batchId, now });
    }

    /// <summary>An open connection for streaming a batch's orders (<see cref="BatchRows.OrdersAsync"/>).</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken);
}
