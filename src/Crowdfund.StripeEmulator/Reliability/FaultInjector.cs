namespace Crowdfund.StripeEmulator.Reliability;

/// <summary>The faults drawn for one request.</summary>
internal readonly record struct FaultDraw(bool ServerError, bool RateLimit, bool DropAfterWrite, TimeSpan Delay);

/// <summary>Draws the configured faults; settings can change at any time, from the test controls or the in-process API.</summary>
internal sealed class FaultInjector
{
    private readonly Lock gate = new();
    private FaultOptions options = new();
    private Random random = new();

    public FaultInjector(FaultOptions options) => Options = options;

    public FaultOptions Options
    {
        get { lock (gate) return options with { }; }
        set
        {
            foreach (var (name, share) in new[] { ("ServerErrorRate", value.ServerErrorRate), ("RateLimitRate", value.RateLimitRate), ("DropAfterWriteRate", value.DropAfterWriteRate), ("SlowRate", value.SlowRate) })
            {
                if (share is < 0 or > 1 || double.IsNaN(share)) throw new ArgumentOutOfRangeException(nameof(value), $"{EmulatorOptions.Section}:Faults:{name} must be between 0 and 1.");
            }
            lock (gate)
            {
                options = value with { };
                random = value.Seed is { } seed ? new Random(seed) : new Random();
            }
        }
    }

    public FaultDraw Draw(bool isPost)
    {
        lock (gate)
        {
            // Every share is drawn every time, so a seeded sequence does not shift when one share changes.
            var serverError = random.NextDouble() < options.ServerErrorRate;
            var rateLimit = random.NextDouble() < options.RateLimitRate;
            var drop = random.NextDouble() < options.DropAfterWriteRate;
            var slow = random.NextDouble() < options.SlowRate;
            return new FaultDraw(serverError, rateLimit, drop && isPost, slow ? options.SlowDelay : TimeSpan.Zero);
        }
    }
}
