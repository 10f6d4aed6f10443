namespace Crowdfund.Grains.Campaigns;

/// <summary>Confirmed units over the last hour, from samples of the running total.</summary>
internal sealed class Velocity
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly LinkedList<(DateTimeOffset At, int Total)> samples = new();

    /// <summary>After a restart, the units confirmed in the last hour come from the rows, as one earlier sample.</summary>
    public void Seed(DateTimeOffset now, int total, int confirmedInLastHour)
    {
        samples.Clear();
        samples.AddLast((now - Window, total - confirmedInLastHour));
        samples.AddLast((now, total));
    }

    public void Record(DateTimeOffset now, int total)
    {
        if (samples.Last is { } last && last.Value.Total == total) return;
        samples.AddLast((now, total));
        // Keep one sample at or before the window's start: it is the baseline the rate is measured from.
        while (samples.First?.Next is { } next && next.Value.At <= now - Window) samples.RemoveFirst();
    }

    public double UnitsPerHour(DateTimeOffset now, int total)
    {
        if (samples.First is null) return 0;
        var start = now - Window;
        var baseline = samples.First.Value.Total;
        foreach (var sample in samples)
        {
            if (sample.At > start) break;
            baseline = sample.Total;
        }
        return Math.Max(0, total - baseline);
    }

    /// <summary>When the goal is reached at the current pace; null when reached already or without pace.</summary>
    public static DateTimeOffset? EstimateGoal(DateTimeOffset now, int total, int goal, double unitsPerHour) =>
        total >= goal || unitsPerHour <= 0 ? null : now + TimeSpan.FromHours((goal - total) / unitsPerHour);
}
