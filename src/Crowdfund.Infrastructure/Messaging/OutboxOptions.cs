namespace Crowdfund.Infrastructure.Messaging;

/// <summary>How the outbox dispatcher claims, retries and gives up ("Crowdfund:Outbox").</summary>
public sealed class OutboxOptions
{
    public const string Section = "Crowdfund:Outbox";

    /// <summary>
    /// Whether this host delivers the outbox. Every silo of a cluster may (claims keep them off each other's rows); a
    /// host sharing its database with other clusters, as test hosts do, is told not to, so that only one of them sends.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an idle dispatcher waits before looking for due rows again; a full batch is followed at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rows claimed at once.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a claim keeps other dispatchers off its rows. A row whose dispatcher died is delivered by another once
    /// its lease ends; it must outlast the longest delivery (<see cref="WorstDelivery"/>), twice over.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one attempt may take (connecting, reading the pledge, sending).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries in place after a failed attempt, before the row waits for its next turn.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first in-place retry's delay; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a topic's circuit stays open once most of its deliveries fail; its rows wait meanwhile.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a row waits after its first failed turn; it doubles per failed turn, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two turns of a failing row.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed turns after which a row is parked (kept, with its last error, and no longer tried).</summary>
    public int MaxAttempts { get; set; } = 25;

    /// <summary>The longest a delivery can take through the pipeline: every attempt timing out, every retry delay at its cap.</summary>
    public TimeSpan WorstDelivery => AttemptTimeout * (MaxRetries + 1) + MaxRetryDelay * MaxRetries;

    /// <summary>The cap of one in-place retry delay.</summary>
    public TimeSpan MaxRetryDelay => RetryDelay * Math.Pow(2, MaxRetries);

    /// <summary>Why these settings cannot work, naming the setting; null when they can.</summary>
    public string? Problem()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(1))
            return $"{SettingNames.Of(Section, nameof(PollInterval))} must be between 00:00:00.01 and 00:01:00.";
        if (BatchSize is < 1 or > 1000)
            return $"{SettingNames.Of(Section, nameof(BatchSize))} must be between 1 and 1000.";
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromMinutes(5))
            return $"{SettingNames.Of(Section, nameof(AttemptTimeout))} must be above 00:00:00 and at most 00:05:00.";
        if (MaxRetries is < 0 or > 10)
            return $"{SettingNames.Of(Section, nameof(MaxRetries))} must be between 0 and 10.";
        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
            return $"{SettingNames.Of(Section, nameof(RetryDelay))} must be between 00:00:00 and 00:01:00.";
        // Polly's own bounds for a break.
        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
            return $"{SettingNames.Of(Section, nameof(BreakDuration))} must be between 00:00:00.5 and 1.00:00:00.";
        if (Lease < WorstDelivery * 2 || Lease > TimeSpan.FromDays(1))
            return $"{SettingNames.Of(Section, nameof(Lease))} must be at most 1.00:00:00 and at least twice the longest delivery ({WorstDelivery * 2:c} with these AttemptTimeout, MaxRetries and RetryDelay), so that no other dispatcher takes a row still being sent.";
        if (Backoff <= TimeSpan.Zero || MaxBackoff < Backoff || MaxBackoff > TimeSpan.FromDays(7))
            return $"{SettingNames.Of(Section, nameof(Backoff))} must be above 00:00:00 and at most {SettingNames.Of(Section, nameof(MaxBackoff))}, itself at most 7.00:00:00.";
        if (MaxAttempts is < 1 or > 1000)
            return $"{SettingNames.Of(Section, nameof(MaxAttempts))} must be between 1 and 1000.";
        return null;
    }
}

/// <summary>How a start-up error names a setting: its configuration key and its environment variable.</summary>
internal static class SettingNames
{
    public static string Of(string section, string setting) =>
        $"{section}:{setting} (environment {section.Replace(":", "__", StringComparison.Ordinal)}__{setting.Replace(":", "__", StringComparison.Ordinal)})";
}
