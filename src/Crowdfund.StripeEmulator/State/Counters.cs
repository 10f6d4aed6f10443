namespace Crowdfund.StripeEmulator.State;

/// <summary>
/// What the emulator answered, counted: how a client's pacing looks from Stripe's side. Stripe shows the same in its
/// dashboard's request logs; tests and the benchmark read it here.
/// </summary>
internal sealed class Counters
{
    private long requests;
    private long rateLimited;

    /// <summary>API requests made with the secret key, answered or not.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Requests refused with 429 because the key went past its rate (injected 429s are not counted).</summary>
    public long RateLimited => Interlocked.Read(ref rateLimited);

    public void Request() => Interlocked.Increment(ref requests);

    public void Limited() => Interlocked.Increment(ref rateLimited);

    public void Clear()
    {
        Interlocked.Exchange(ref requests, 0);
        Interlocked.Exchange(ref rateLimited, 0);
    }
}
