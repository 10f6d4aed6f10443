namespace Crowdfund.StripeEmulator.Reliability;

/// <summary>
/// A token bucket per API key: <see cref="RequestsPerSecond"/> tokens a second, at most one second's worth saved up.
/// Reads and writes draw from the same bucket.
/// </summary>
internal sealed class RateLimiter(double requestsPerSecond, TimeProvider time)
{
    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;
        public long Stamp { get; set; } = stamp;
    }

    private readonly Lock gate = new();
    private readonly Dictionary<string, Bucket> buckets = [];
    private double rate = requestsPerSecond;

    /// <summary>0 or less: no limit.</summary>
    public double RequestsPerSecond
    {
        get { lock (gate) return rate; }
        set { lock (gate) { rate = value; buckets.Clear(); } }
    }

    public bool TryTake(string apiKey)
    {
        lock (gate)
        {
            if (rate <= 0) return true;
            var now = time.GetTimestamp();
            if (!buckets.TryGetValue(apiKey, out var bucket))
            {
                bucket = new Bucket(rate, now);
                buckets[apiKey] = bucket;
            }
            var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            bucket.Tokens = Math.Min(Math.Max(rate, 1), bucket.Tokens + elapsed * rate);
            bucket.Stamp = now;
            if (bucket.Tokens < 1) return false;
            bucket.Tokens -= 1;
            return true;
        }
    }

    public void Clear()
    {
        lock (gate) buckets.Clear();
    }
}
