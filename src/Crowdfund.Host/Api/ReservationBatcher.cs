using System.Collections.Concurrent;
using System.Diagnostics;
using Crowdfund.Grains;
using Crowdfund.Host.Hosting;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>
/// Gathers the pledges that reach this edge for the same tier at the same time into one grain call. In a launch
/// rush a profile put Orleans messaging and the thread wake-ups of one call per pledge above the cost of the
/// reservation itself. Nothing waits to fill a batch: a request to a quiet tier is sent at once, and only requests
/// arriving while calls to that tier are in flight go together in the next call.
/// </summary>
/// <remarks>
/// The queues are bounded: past <see cref="EdgeSettings.MaxQueuedReservations"/> waiting at this edge, a pledge is
/// answered Busy (503 with Retry-After) at once, so a rush beyond what the tiers can take shows as backpressure to
/// clients, not as memory growing until the host falls over.
/// </remarks>
public sealed class ReservationBatcher(GrainReferences grains, PledgePathStats stats, IOptions<EdgeSettings> settings)
{
    // Two calls in flight per tier: one batch fills while the other commits (the pledge writer runs two commits).
    private const int MaxInFlight = 2;
    private const int MaxBatch = 256;

    private readonly ConcurrentDictionary<string, Lane> lanes = new(StringComparer.Ordinal);
    private readonly Counter queued = new();
    private readonly int maxQueued = settings.Value.MaxQueuedReservations;

    public Task<PledgeResult> ReserveAsync(string tierKey, ReserveRequest request)
    {
        if (Interlocked.Increment(ref queued.Value) > maxQueued)
        {
            Interlocked.Decrement(ref queued.Value);
            return Task.FromResult(PledgeResult.Refused(Refusal.Busy));
        }
        var pending = new Pending(request, new TaskCompletionSource<PledgeResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        while (true)
        {
            var lane = lanes.GetOrAdd(tierKey, key => new Lane(lanes, key, grains.Get<IRewardTierGrain>(key), stats, queued));
            // A lane retires when it runs dry (so made-up tier ids take no memory); then a fresh one is made.
            if (!lane.TryEnqueue(pending, out var startSending)) continue;
            if (startSending) _ = lane.SendAsync();
            return pending.Answer.Task;
        }
    }

    private sealed record Pending(ReserveRequest Request, TaskCompletionSource<PledgeResult> Answer)
    {
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();
    }

    /// <summary>A count shared by the batcher and its lanes.</summary>
    private sealed class Counter
    {
        public int Value;
    }

    private sealed class Lane(ConcurrentDictionary<string, Lane> lanes, string tierKey, IRewardTierGrain tier, PledgePathStats stats,
        Counter queued)
    {
        private readonly Lock gate = new();
        private readonly Queue<Pending> queue = new();
        private int inFlight;
        private bool retired;

        public bool TryEnqueue(Pending pending, out bool startSending)
        {
            lock (gate)
            {
                startSending = false;
                if (retired) return false;
                queue.Enqueue(pending);
                if (inFlight < MaxInFlight)
                {
                    inFlight++;
                    startSending = true;
                }
                return true;
            }
        }

        /// <summary>Sends batches until the queue is empty; runs at most <see cref="MaxInFlight"/> times at once.</summary>
        public async Task SendAsync()
        {
            while (NextBatch() is { } batch)
            {
                var sentAt = Stopwatch.GetTimestamp();
                stats.Sent(batch.Length, batch.Sum(p => sentAt - p.QueuedAt));
                try
                {
                    var results = await tier.ReserveManyAsync(batch.Select(p => p.Request).ToArray());
                    stats.Answered(sentAt);
                    for (var i = 0; i < batch.Length; i++) batch[i].Answer.TrySetResult(results[i]);
                }
                catch (Exception exception)
                {
                    // Nothing of a failed call is acknowledged; each request fails as a lone call would have.
                    foreach (var pending in batch) pending.Answer.TrySetException(exception);
                }
            }
        }

        private Pending[]? NextBatch()
        {
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    if (--inFlight == 0)
                    {
                        retired = true;
                        lanes.TryRemove(new KeyValuePair<string, Lane>(tierKey, this));
                    }
                    return null;
                }
                var batch = new Pending[Math.Min(queue.Count, MaxBatch)];
                for (var i = 0; i < batch.Length; i++) batch[i] = queue.Dequeue();
                Interlocked.Add(ref queued.Value, -batch.Length);
                return batch;
            }
        }
    }
}
