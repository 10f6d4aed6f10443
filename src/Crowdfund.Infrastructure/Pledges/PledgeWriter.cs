using System.Diagnostics;
using System.Threading.Channels;
using Crowdfund.Infrastructure.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>
/// Writes new pledges with group commit: whatever arrived while the previous commit was in flight goes into the
/// next transaction, so a launch rush costs one fsync per batch rather than one per pledge. Each caller's task
/// completes only after the commit that holds its row, so an acknowledged pledge is always durable.
/// </summary>
public sealed partial class PledgeWriter : IAsyncDisposable
{
    // A few writers in parallel keep the disk busy while the next batch fills; more only queue on the WAL.
    private const int Writers = 2;
    private const int MaxBatch = 512;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PledgeWriter> logger;
    private readonly PledgePathStats stats;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] loops;

    public PledgeWriter(NpgsqlDataSource dataSource, ILogger<PledgeWriter> logger, PledgePathStats? stats = null)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        this.stats = stats ?? new PledgePathStats();
        loops = Enumerable.Range(0, Writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>
    /// Inserts the pledges in one commit with whatever else is waiting; for each, in order, true once committed,
    /// false when its idempotency key was already used in its campaign (also by an earlier row of the same call).
    /// </summary>
    public Task<bool[]> InsertManyAsync(IReadOnlyList<NewPledge> pledges)
    {
        if (pledges.Count == 0) return Task.FromResult(Array.Empty<bool>());
        var pending = new Pending(pledges, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(PledgeWriter));
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var rows = 0;
            // A caller's rows are never split across commits; a call larger than the cap goes alone.
            while (rows < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                rows += item.Pledges.Count;
            }
            if (batch.Count == 0) continue;
            try
            {
                var startedAt = Stopwatch.GetTimestamp();
                var inserted = await WriteAsync(batch.SelectMany(p => p.Pledges).ToArray());
                stats.Committed(inserted.Count, startedAt);
                foreach (var item in batch)
                    item.Done.TrySetResult(item.Pledges.Select(p => inserted.Contains(p.Id)).ToArray());
            }
            catch (Exception exception)
            {
                LogBatchFailed(logger, exception, rows);
                foreach (var item in batch) item.Done.TrySetException(exception);
            }
        }
    }

    private async Task<HashSet<Guid>> WriteAsync(NewPledge[] rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            // In a rush nearly every key is new, so the plain insert is tried first: it skips the speculative
            // insertion that ON CONFLICT costs on every row.
            await using var plain = Insert(rows, connection, "");
            await plain.ExecuteNonQueryAsync();
            return rows.Select(r => r.Id).ToHashSet();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A key of the batch was used before (a replay). The failed statement wrote nothing; this one keeps
            // every new row and tells which rows went in.
            await using var guarded = Insert(rows, connection, "ON CONFLICT (campaign_id, idempotency_key) DO NOTHING RETURNING id");
            var inserted = new HashSet<Guid>();
            await using var reader = await guarded.ExecuteReaderAsync();
            while (await reader.ReadAsync()) inserted.Add(reader.GetGuid(0));
            return inserted;
        }
    }

    private static NpgsqlCommand Insert(NewPledge[] rows, NpgsqlConnection connection, string onConflict)
    {
        // One statement, one implicit transaction: every row of the batch commits together or not at all.
        var command = new NpgsqlCommand($"""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping,
                                 tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key,
                                 request_hash, created_at, hold_expires_at, updated_at)
            SELECT id, campaign_id, tier_id, country, quantity, units, 'Reserved', currency, subtotal, shipping,
                   tax, total, backer_name, backer_email, shipping_address::jsonb, token_hash, idempotency_key,
                   request_hash, created_at, hold_expires_at, created_at
              FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                AS t(id, campaign_id, tier_id, country, quantity, units, currency, subtotal, shipping, tax, total,
                     backer_name, backer_email, shipping_address, token_hash, idempotency_key, request_hash,
                     created_at, hold_expires_at)
            {onConflict}
            """, connection);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid[]> { TypedValue = rows.Select(r => r.Id).ToArray() });
        p.Add(Texts(rows.Select(r => r.CampaignId)));
        p.Add(Texts(rows.Select(r => r.TierId)));
        p.Add(Texts(rows.Select(r => r.Country)));
        p.Add(new NpgsqlParameter<int[]> { TypedValue = rows.Select(r => r.Quantity).ToArray() });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = rows.Select(r => r.Units).ToArray() });
        p.Add(Texts(rows.Select(r => r.Amounts.Currency)));
        p.Add(Longs(rows.Select(r => r.Amounts.Subtotal)));
        p.Add(Longs(rows.Select(r => r.Amounts.Shipping)));
        p.Add(Longs(rows.Select(r => r.Amounts.Tax)));
        p.Add(Longs(rows.Select(r => r.Amounts.Total)));
        p.Add(Texts(rows.Select(r => r.BackerName)));
        p.Add(Texts(rows.Select(r => r.BackerEmail)));
        p.Add(Texts(rows.Select(r => StoreJson.Serialize(r.Address))));
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = rows.Select(r => r.TokenHash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(Texts(rows.Select(r => r.IdempotencyKey)));
        p.Add(new NpgsqlParameter<byte[][]> { TypedValue = rows.Select(r => r.RequestHash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(Times(rows.Select(r => r.CreatedAt)));
        p.Add(Times(rows.Select(r => r.HoldExpiresAt)));
        return command;
    }

    private static NpgsqlParameter<string[]> Texts(IEnumerable<string> values) =>
        new() { TypedValue = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter<long[]> Longs(IEnumerable<long> values) => new() { TypedValue = values.ToArray() };

    private static NpgsqlParameter<DateTime[]> Times(IEnumerable<DateTimeOffset> values) =>
        new() { TypedValue = values.Select(v => v.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(loops);
    }

    private sealed record Pending(IReadOnlyList<NewPledge> Pledges, TaskCompletionSource<bool[]> Done);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing a batch of {Count} pledges failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
