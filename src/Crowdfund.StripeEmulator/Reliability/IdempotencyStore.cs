namespace Crowdfund.StripeEmulator.Reliability;

/// <summary>An answer kept under its idempotency key, replayed byte for byte.</summary>
internal sealed record StoredAnswer(int Status, string Body, string RequestId);

internal enum IdempotencyVerdict
{
    /// <summary>First use of the key: execute, then <see cref="IdempotencyStore.Complete"/> or <see cref="IdempotencyStore.Release"/>.</summary>
    Execute,
    Replay,
    OtherParameters,
    OtherEndpoint,
    InFlight,
}

/// <summary>
/// Stripe's idempotency layer: per API key, a key remembers the endpoint, a fingerprint of the parameters and the
/// answer. A request that arrives while its original still executes is refused with 409 rather than run twice.
/// </summary>
internal sealed class IdempotencyStore(TimeSpan lifetime)
{
    private sealed class Entry(string endpoint, string fingerprint, DateTimeOffset created)
    {
        public string Endpoint { get; } = endpoint;
        public string Fingerprint { get; } = fingerprint;
        public DateTimeOffset Created { get; } = created;
        public StoredAnswer? Answer { get; set; }
    }

    private readonly Lock gate = new();
    private readonly Dictionary<(string ApiKey, string Key), Entry> entries = [];
    private DateTimeOffset lastPrune;

    public (IdempotencyVerdict Verdict, StoredAnswer? Answer) Begin(string apiKey, string key, string endpoint, string fingerprint, DateTimeOffset now)
    {
        lock (gate)
        {
            Prune(now);
            if (!entries.TryGetValue((apiKey, key), out var entry))
            {
                entries[(apiKey, key)] = new Entry(endpoint, fingerprint, now);
                return (IdempotencyVerdict.Execute, null);
            }
            if (entry.Endpoint != endpoint) return (IdempotencyVerdict.OtherEndpoint, null);
            if (entry.Fingerprint != fingerprint) return (IdempotencyVerdict.OtherParameters, null);
            return entry.Answer is null ? (IdempotencyVerdict.InFlight, null) : (IdempotencyVerdict.Replay, entry.Answer);
        }
    }

    public void Complete(string apiKey, string key, StoredAnswer answer)
    {
        lock (gate)
        {
            if (entries.TryGetValue((apiKey, key), out var entry)) entry.Answer = answer;
        }
    }

    /// <summary>Forgets a key whose request did not execute (refused parameters, a crash), so a retry runs afresh.</summary>
    public void Release(string apiKey, string key)
    {
        lock (gate)
        {
            if (entries.TryGetValue((apiKey, key), out var entry) && entry.Answer is null) entries.Remove((apiKey, key));
        }
    }

    public void Clear()
    {
        lock (gate) entries.Clear();
    }

    private void Prune(DateTimeOffset now)
    {
        if (now - lastPrune < TimeSpan.FromMinutes(1)) return;
        lastPrune = now;
        foreach (var (key, entry) in entries.ToList())
        {
            if (entry.Answer is not null && now - entry.Created >= lifetime) entries.Remove(key);
        }
    }
}
