using System.Diagnostics;
using System.Threading.Channels;
using Crowdfund.Grains.Tiers;
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
/// <remarks>
/// One bad row must never fail the honest rows that share its commit. The edge validates every field before a row
/// joins a batch; should a row still be refused by the database (a value or a constraint it cannot take), the batch
/// is split in halves and each half written again, down to the single row, which alone is answered
/// <see cref="WriteOutcome.Rejected"/>. Failures of the database itself (connection lost, shutdown) are not split:
/// they fail every call of the batch, and nothing of it is acknowledged.
/// </remarks>
public sealed partial class PledgeWriter : IPledgeWriter, IAsyncDisposable
{
    // A few writers in parallel keep the disk busy while the next batch fills; more only queue on the WAL.
    private const int Writers = 2;
    private const int MaxBatch = 512;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PledgeWriter> logger;
    private readonly PledgePathStats stats;
    private readonly Channel<Pending> queue;
    private readonly Task[] loops;

    /// <param name="queueCapacity">
    /// Calls that may wait for a writer; past it, a call is answered <see cref="WriteOutcome.Busy"/> at once rather
    /// than queued without bound.
    /// </param>
    public PledgeWriter(NpgsqlDataSource dataSource, ILogger<PledgeWriter> logger, PledgePathStats? stats = null,
        int queueCapacity = 4096)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        this.stats = stats ?? new PledgePathStats();
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
        });
        loops = Enumerable.Range(0, Writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task<WriteOutcome[]> InsertManyAsync(IReadOnlyList<NewPledge> pledges)
    {
        if (pledges.Count == 0) return Task.FromResult(Array.Empty<WriteOutcome>());
        var pending = new Pending(pledges, new TaskCompletionSource<WriteOutcome[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            if (queue.Reader.Completion.IsCompleted) throw new ObjectDisposedException(nameof(PledgeWriter));
            return Task.FromResult(Enumerable.Repeat(WriteOutcome.Busy, pledges.Count).ToArray());
        }
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var rows = 0;
            while (rows < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                rows += item.Pledges.Count;
            }
            if (batch.Count == 0) continue;
            try
            {
                var outcomes = new Dictionary<Guid, WriteOutcome>(rows);
                await using (var connection = await dataSource.OpenConnectionAsync())
                    await WriteAsync(connection, batch.SelectMany(p => p.Pledges).ToArray(), outcomes);
                foreach (var item in batch)
                    item.Done.TrySetResult(item.Pledges.Select(p => outcomes[p.Id]).ToArray());
            }
            catch (Exception exception)
            {
                LogBatchFailed(logger, exception, rows);
                foreach (var item in batch) item.Done.TrySetException(exception);
            }
        }
    }

    /// <summary>Writes the rows in one commit if it can; otherwise finds the rows the database refuses by halves.</summary>
    private async Task WriteAsync(NpgsqlConnection connection, ArraySegment<NewPledge> rows, Dictionary<Guid, WriteOutcome> outcomes)
    {
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            // In a rush nearly every key is new, so the plain insert is tried first: it skips the speculative
            // insertion that ON CONFLICT costs on every row.
            await using (var plain = Insert(rows, connection, ""))
                await plain.ExecuteNonQueryAsync();
            foreach (var row in rows) outcomes[row.Id] = WriteOutcome.Inserted;
            stats.Committed(rows.Count, startedAt);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A key of the batch was used before (a replay). The failed statement wrote nothing; the next one keeps
            // every new row and tells which went in.
        }
        catch (PostgresException e) when (IsRowError(e))
        {
            await SplitAsync(connection, rows, outcomes, e);
            return;
        }
        try
        {
            var inserted = new HashSet<Guid>();
            await using (var guarded = Insert(rows, connection, "ON CONFLICT (campaign_id, idempotency_key) DO NOTHING RETURNING id"))
            await using (var reader = await guarded.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) inserted.Add(reader.GetGuid(0));
            }
            foreach (var row in rows) outcomes[row.Id] = inserted.Contains(row.Id) ? WriteOutcome.Inserted : WriteOutcome.KeyTaken;
            stats.Committed(inserted.Count, startedAt);
        }
        catch (PostgresException e) when (IsRowError(e))
        {
            await SplitAsync(connection, rows, outcomes, e);
        }
    }

    private async Task SplitAsync(NpgsqlConnection connection, ArraySegment<NewPledge> rows,
        Dictionary<Guid, WriteOutcome> outcomes, PostgresException error)
    {
        if (rows.Count == 1)
        {
            // Only the error's code: the row holds a backer's name, email and address.
            LogRejected(logger, error.SqlState);
            outcomes[rows[0].Id] = WriteOutcome.Rejected;
            return;
        }
        var half = rows.Count / 2;
        await WriteAsync(connection, rows[..half], outcomes);
        await WriteAsync(connection, rows[half..], outcomes);
    }

    /// <summary>
    /// Errors that a row's own values cause: data exceptions (a NUL in text, an invalid encoding), integrity
    /// violations other than a reused key (a check or not-null constraint), and an index entry too large.
    /// </summary>
    private static bool IsRowError(PostgresException e) =>
        e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || (e.SqlState.StartsWith("23", StringComparison.Ordinal) && e.SqlState != PostgresErrorCodes.UniqueViolation)
        || e.SqlState == PostgresErrorCodes.ProgramLimitExceeded;

    private static NpgsqlCommand Insert(ArraySegment<NewPledge> rows, NpgsqlConnection connection, string onConflict)
    {
        // One statement, one implicit transaction: every row of the batch commits together or not at all.
        var command = new NpgsqlCommand($"""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping,
                                 tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key,
                                 request_hash, created_at, hold_expires_at, updated_at, locale)
            SELECT id, campaign_id, tier_id, country, quantity, units, 'Reserved', currency, subtotal, shipping,
                   tax, total, backer_name, backer_email, shipping_address::jsonb, token_hash, idempotency_key,
                   request_hash, created_at, hold_expires_at, created_at, locale
              FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
                   WITH ORDINALITY
                AS t(id, campaign_id, tier_id, country, quantity, units, currency, subtotal, shipping, tax, total,
                     backer_name, backer_email, shipping_address, token_hash, idempotency_key, request_hash,
                     created_at, hold_expires_at, locale, position)
             -- In key order: two batches sharing keys (a retry sent to two silos) then take the unique index's entries
             -- in the same order and one waits for the other; in the callers' order they could deadlock. A key repeated
             -- in the batch keeps its first copy, as before.
             ORDER BY campaign_id, idempotency_key, position
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
        p.Add(Texts(rows.Select(r => r.Locale)));
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

    private sealed record Pending(IReadOnlyList<NewPledge> Pledges, TaskCompletionSource<WriteOutcome[]> Done);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing a batch of {Count} pledges failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused a pledge row that passed validation (SQLSTATE {SqlState}); it alone was refused")]
    private static partial void LogRejected(ILogger logger, string sqlState);
}
