namespace Crowdfund.Grains;

/// <summary>Timings of the grains, bound from configuration section "Crowdfund:Grains".</summary>
public sealed class CrowdfundGrainOptions
{
    public const string Section = "Crowdfund:Grains";

    /// <summary>How long a reservation holds its rewards before it expires unless confirmed.</summary>
    public TimeSpan HoldWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Period of each live campaign's durable reminder: it checks the deadline and wakes the tiers so that their
    /// holds expire even after a restart. Orleans does not accept reminder periods under one minute by default.
    /// </summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a tier's expiry timer runs while it has reservations.</summary>
    public TimeSpan ExpiryScanPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a tier keeps rewards held for a pledge's change before it takes the pledge from its row again: the
    /// pledge grain settles its change in milliseconds, unless its silo died in between.
    /// </summary>
    public TimeSpan ChangeHoldTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a tier gathers reservation changes before reporting them to its campaign in one snapshot.</summary>
    public TimeSpan SnapshotDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a backer has, from the first failed charge, to replace the card or authenticate.</summary>
    public TimeSpan FixWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often collection charges a failed pledge again while its fix window is open.</summary>
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// How many charges the collection run has in flight at once. The provider's rate limiter paces them; this only
    /// needs to be enough to keep the limiter busy while each call waits for its answer.
    /// </summary>
    public int CollectionConcurrency { get; set; } = 32;

    /// <summary>A charge whose answer was lost longer ago than this is looked up at the provider before it is tried again
    /// under its key: the provider forgets idempotency keys after 24 hours.</summary>
    public TimeSpan ChargeLookupAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The least time between two forecasts to the partner while the campaign is live (the production-go notice counts
    /// as the first); an update goes only when the figures changed.
    /// </summary>
    public TimeSpan ForecastInterval { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// The grains read the time through a keyed <see cref="TimeProvider"/>, so tests can move the domain's clock
/// without moving the clock that Orleans' own timers and membership rely on.
/// </summary>
public static class DomainClock
{
    public const string Key = "crowdfund-domain";
}
