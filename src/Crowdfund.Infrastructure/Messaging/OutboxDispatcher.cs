using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Crowdfund.Infrastructure.Messaging;

/// <summary>
/// Delivers the outbox at least once: claims due rows of the topics it has handlers for, hands each to its handler
/// through the topic's pipeline, and marks it dispatched; a failed row waits with a growing backoff, and is parked
/// after <see cref="OutboxOptions.MaxAttempts"/> failed turns or a failure that says it is for good. Every silo runs
/// one; their leases keep them off each other's rows.
/// </summary>
/// <remarks>
/// Nothing is lost: a row leaves the table's queue only when its mark commits, after its delivery. Nothing is sent
/// twice, except in one window: a crash (or a database that refuses the mark) after the receiver accepted the
/// message and before the mark commits. The row is then delivered again once its lease ends, with the same key,
/// so the receiver can recognise it (mail carries a Message-ID derived from it). A stop is not such a crash: the
/// delivery under way finishes and is marked, and the rest of the batch is released for the next dispatcher.
/// </remarks>
public sealed partial class OutboxDispatcher : BackgroundService
{
    private readonly OutboxRows rows;
    private readonly OutboxOptions options;
    private readonly ILogger<OutboxDispatcher> logger;
    private readonly Dictionary<string, IOutboxHandler> topics;
    // A pipeline (and so a circuit) per topic and recipient: one partner down never stops the deliveries to another.
    private readonly ConcurrentDictionary<(string Topic, string Recipient), ResiliencePipeline> pipelines = new();
    private readonly TimeProvider time;
    // Cancelled only when the host gives up waiting for the stop: until then a delivery under way is let finish,
    // since abandoning it after the receiver took the message is what would send it twice.
    private readonly CancellationTokenSource abandon = new();

    public OutboxDispatcher(OutboxRows rows, IEnumerable<IOutboxHandler> handlers, IOptions<OutboxOptions> options,
        TimeProvider time, ILogger<OutboxDispatcher> logger)
    {
        this.rows = rows;
        this.options = options.Value;
        this.logger = logger;
        this.time = time;
        topics = handlers.ToDictionary(h => h.Topic, StringComparer.Ordinal);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(abandon.Cancel)) await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (topics.Count == 0 || !options.Enabled) return;
        // Off the host's start-up path: the first claim waits for the database like every later one.
        await Task.Yield();
        // One loop per topic: a partner whose endpoint answers slowly (or a batch that takes a while to render) never
        // holds back the backers' mail, nor one topic's backlog another's.
        await Task.WhenAll(topics.Keys.Select(topic => DispatchTopicAsync(topic, stoppingToken)));
    }

    private async Task DispatchTopicAsync(string topic, CancellationToken stoppingToken)
    {
        string[] only = [topic];
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var wait = options.PollInterval;
            try
            {
                claimed = await DispatchBatchAsync(only, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure)
            {
                // The database is down or restarting: the rows are safe in it. Try again, a little less often.
                LogTurnFailed(logger, OutboxFailures.Describe(failure));
                wait = TimeSpan.FromSeconds(Math.Max(1, wait.TotalSeconds));
            }
            if (claimed == options.BatchSize) continue;
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One claim and its deliveries, in order; the rows claimed but not tried are released. Returns how many were claimed.</summary>
    private async Task<int> DispatchBatchAsync(IReadOnlyCollection<string> only, CancellationToken stoppingToken)
    {
        var claimedAt = Stopwatch.GetTimestamp();
        var batch = await rows.ClaimAsync(only, options.BatchSize, options.Lease, stoppingToken);
        var next = 0;
        try
        {
            // A row is started only if even its slowest delivery ends within the lease; otherwise another dispatcher
            // could take it while it is still being sent.
            while (next < batch.Count && !stoppingToken.IsCancellationRequested
                   && Stopwatch.GetElapsedTime(claimedAt) + options.WorstDelivery < options.Lease)
            {
                // Counted before it is tried: a row under way when the host gives up on the stop keeps its claim, and
                // waits for its lease rather than going straight to another dispatcher.
                var row = batch[next++];
                await DeliverAsync(row);
            }
        }
        finally
        {
            await rows.ReleaseAsync(batch.Skip(next).Select(r => r.Id).ToList());
        }
        return batch.Count;
    }

    private async Task DeliverAsync(OutboxDelivery row)
    {
        var handler = topics[row.Topic];
        var pipeline = pipelines.GetOrAdd((row.Topic, handler.RecipientOf(row)),
            static (key, self) => OutboxPipeline.Build(key.Recipient.Length == 0 ? key.Topic : $"{key.Topic}:{key.Recipient}",
                self.options, self.time, self.logger), this);
        try
        {
            await pipeline.ExecuteAsync(
                static async (state, token) => await state.handler.DeliverAsync(state.row, token), (handler, row), abandon.Token);
        }
        catch (BrokenCircuitException open)
        {
            var wait = open.RetryAfter ?? options.BreakDuration;
            await rows.DeferAsync(row.Id, OutboxFailures.Describe(open), wait);
            return;
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            throw; // The host stops now: the rest of the batch is released.
        }
        catch (Exception failure)
        {
            await RecordFailureAsync(row, failure);
            return;
        }
        await MarkAsync(row);
    }

    private async Task RecordFailureAsync(OutboxDelivery row, Exception failure)
    {
        var reason = OutboxFailures.Describe(failure);
        var attempt = row.Attempts + 1;
        if (failure is OutboxDeliveryException { Permanent: true } || attempt >= options.MaxAttempts)
        {
            await rows.FailAsync(row.Id, reason, wait: null);
            LogParked(logger, row.Id, row.Topic, attempt, reason);
            return;
        }
        var wait = Backoff(attempt);
        await rows.FailAsync(row.Id, reason, wait);
        LogFailed(logger, row.Id, row.Topic, attempt, reason, wait);
    }

    /// <summary>The mark right after the delivery; a few tries, since a mark lost here means the message goes again.</summary>
    private async Task MarkAsync(OutboxDelivery row)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await rows.MarkDispatchedAsync(row.Id);
                LogDelivered(logger, row.Id, row.Topic);
                return;
            }
            catch (Exception failure) when (attempt < 3)
            {
                LogMarkRetry(logger, row.Id, OutboxFailures.Describe(failure));
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception failure)
            {
                LogMarkLost(logger, row.Id, row.Topic, OutboxFailures.Describe(failure));
                return;
            }
        }
    }

    /// <summary>The wait after a row's n-th failed turn: doubling from <see cref="OutboxOptions.Backoff"/>, capped, ±20 % so that rows failed together spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var doubled = options.Backoff * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = doubled < options.MaxBackoff ? doubled : options.MaxBackoff;
        return capped * (0.8 + 0.4 * Random.Shared.NextDouble());
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox row {Id} ({Topic}) delivered")]
    private static partial void LogDelivered(ILogger logger, long id, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {Id} ({Topic}): turn {Attempt} failed with {Failure}; next turn in {Wait}")]
    private static partial void LogFailed(ILogger logger, long id, string topic, int attempt, string failure, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({Topic}) parked after {Attempt} turns: {Failure}. It stays in the table; set its next_attempt_at to now() to try again.")]
    private static partial void LogParked(ILogger logger, long id, string topic, int attempt, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: a turn failed with {Failure}; trying again")]
    private static partial void LogTurnFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {Id} was delivered, but marking it failed with {Failure}; trying again")]
    private static partial void LogMarkRetry(ILogger logger, long id, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({Topic}) was delivered but could not be marked ({Failure}): it will be delivered again, with the same key, once its lease ends")]
    private static partial void LogMarkLost(ILogger logger, long id, string topic, string failure);
}
