using System.Threading.RateLimiting;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// This silo's share of the provider account's rate limit: a token bucket refilled continuously at
/// <see cref="RequestsPerSecond"/>, whose waiters are served first come, first served, up to a queue limit. The rate
/// changes at run time, as silos join and leave, without losing the queue (the framework's token bucket fixes its
/// rate when it is built).
/// </summary>
/// <remarks>
/// The bucket holds half a second's worth. Stripe's own bucket holds a second's worth, so the silos together never
/// burst past half of what Stripe allows at once: the other half is the margin for a request released here that
/// reaches Stripe late, behind one released later, and for the moments before every silo has seen a membership change.
/// </remarks>
internal sealed class SharedRateLimiter : RateLimiter
{
    private const double BurstSeconds = 0.5;

    private static readonly RateLimitLease Acquired = new Lease(true, null);

    private readonly Lock gate = new();
    private readonly LinkedList<Waiter> queue = new();
    private readonly TimeProvider time;
    private readonly int queueLimit;
    private readonly ITimer timer;
    private double rate;
    private double tokens;
    private long refilledAt;
    private long lastAcquiredAt;
    private long queuedPermits;
    private long successful;
    private long failed;
    private bool disposed;

    /// <param name="requestsPerSecond">The share to start with.</param>
    /// <param name="queueLimit">Permits that may wait; past it, a request is refused at once.</param>
    /// <param name="time">The clock of the refills and the waits.</param>
    public SharedRateLimiter(double requestsPerSecond, int queueLimit, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        CheckRate(requestsPerSecond);
        this.time = time;
        this.queueLimit = queueLimit;
        rate = requestsPerSecond;
        tokens = Capacity;
        refilledAt = lastAcquiredAt = time.GetTimestamp();
        timer = time.CreateTimer(_ => Serve(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current rate, in permits per second.</summary>
    public double RequestsPerSecond
    {
        get { lock (gate) return rate; }
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (gate)
            {
                Refill();
                return queue.Count == 0 && tokens >= Capacity ? time.GetElapsedTime(lastAcquiredAt) : null;
            }
        }
    }

    private double Capacity => Math.Max(1, rate * BurstSeconds);

    /// <summary>Changes the rate from now on: what was saved up so far stays (up to the new capacity), the queue stays.</summary>
    public void SetRate(double requestsPerSecond)
    {
        CheckRate(requestsPerSecond);
        lock (gate)
        {
            if (disposed) return;
            Refill();
            rate = requestsPerSecond;
            tokens = Math.Min(tokens, Capacity);
            ServeQueue();
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Floor(tokens),
                CurrentQueuedCount = queuedPermits,
                TotalSuccessfulLeases = successful,
                TotalFailedLeases = failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermits(permitCount);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (TryTake(permitCount)) return Acquired;
            failed++;
            return Refused(permitCount);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermits(permitCount);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (TryTake(permitCount)) return ValueTask.FromResult(Acquired);
            if (queuedPermits + permitCount > queueLimit)
            {
                failed++;
                return ValueTask.FromResult(Refused(permitCount));
            }
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
            var node = queue.AddLast(new Waiter(permitCount));
            queuedPermits += permitCount;
            // Lock is reentrant: a token cancelled just now runs Cancel on this thread, which finds the node queued.
            if (cancellationToken.CanBeCanceled) node.Value.Cancellation = cancellationToken.Register(() => Cancel(node, cancellationToken));
            Arm();
            return new ValueTask<RateLimitLease>(node.Value.Lease.Task);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        List<Waiter> left;
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            left = [.. queue];
            queue.Clear();
            queuedPermits = 0;
        }
        timer.Dispose();
        foreach (var waiter in left)
        {
            waiter.Cancellation.Unregister();
            waiter.Lease.TrySetResult(new Lease(false, null));
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes permits at once, but only when nobody waits: a newcomer never overtakes the queue.</summary>
    private bool TryTake(int permitCount)
    {
        Refill();
        if (queue.Count > 0 || tokens < permitCount) return false;
        Take(permitCount);
        return true;
    }

    private void Take(int permitCount)
    {
        tokens -= permitCount;
        successful++;
        lastAcquiredAt = time.GetTimestamp();
    }

    private void Serve()
    {
        lock (gate)
        {
            if (disposed) return;
            ServeQueue();
        }
    }

    /// <summary>Grants the oldest waiters what the bucket holds, then sleeps until the next one can be granted.</summary>
    private void ServeQueue()
    {
        Refill();
        while (queue.First is { } head && tokens >= head.Value.Permits)
        {
            queue.RemoveFirst();
            queuedPermits -= head.Value.Permits;
            Take(head.Value.Permits);
            // Unregister, not Dispose: Dispose would wait for a cancellation running on another thread, which waits for this lock.
            head.Value.Cancellation.Unregister();
            head.Value.Lease.TrySetResult(Acquired);
        }
        Arm();
    }

    private void Arm()
    {
        if (queue.First is not { } head)
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var seconds = (head.Value.Permits - tokens) / rate;
        var due = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond)));
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Cancel(LinkedListNode<Waiter> node, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (node.List is null) return; // Granted or disposed meanwhile.
            queue.Remove(node);
            queuedPermits -= node.Value.Permits;
            failed++;
            // The one behind it may fit in what the bucket holds now.
            if (!disposed) ServeQueue();
        }
        node.Value.Lease.TrySetCanceled(cancellationToken);
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        tokens = Math.Min(Capacity, tokens + time.GetElapsedTime(refilledAt, now).TotalSeconds * rate);
        refilledAt = now;
    }

    private RateLimitLease Refused(int permitCount) =>
        new Lease(false, TimeSpan.FromSeconds(Math.Max(0, queuedPermits + permitCount - tokens) / rate));

    private void CheckPermits(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (gate)
        {
            if (permitCount > Capacity)
                throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"At most {Math.Floor(Capacity)} permits can be asked at once.");
        }
    }

    private static void CheckRate(double requestsPerSecond)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "The rate must be a finite number above 0.");
    }

    private sealed class Waiter(int permits)
    {
        public int Permits { get; } = permits;

        public TaskCompletionSource<RateLimitLease> Lease { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
