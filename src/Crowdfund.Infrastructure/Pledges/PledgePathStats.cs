using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>
/// Running totals of the pledge path: how long reservations wait at the edge for their batch to leave, how long a
/// tier call takes, and how many rows each group commit carries and for how long. A few interlocked adds per batch
/// or commit, so they stay on in a rush. Published as counters of the <see cref="MeterName"/> meter (for
/// dotnet-counters or OpenTelemetry), and read by the launch-rush benchmark to say where a pledge's time goes.
/// </summary>
public sealed class PledgePathStats
{
    public const string MeterName = "Crowdfund.Pledges";

    private long commits;
    private long committedRows;
    private long commitTicks;
    private long calls;
    private long requests;
    private long waitTicks;
    private long callTicks;

    public PledgePathStats(IMeterFactory? meters = null)
    {
        if (meters is null) return;
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("crowdfund.pledges.commits", () => Volatile.Read(ref commits),
            "{commit}", "Group commits of new pledges");
        meter.CreateObservableCounter("crowdfund.pledges.committed", () => Volatile.Read(ref committedRows),
            "{pledge}", "New pledge rows committed");
        meter.CreateObservableCounter("crowdfund.pledges.commit_time", () => Seconds(Volatile.Read(ref commitTicks)),
            "s", "Time spent writing and committing new pledges");
        meter.CreateObservableCounter("crowdfund.reservations.calls", () => Volatile.Read(ref calls),
            "{call}", "Reservation batches sent to tier grains");
        meter.CreateObservableCounter("crowdfund.reservations.requests", () => Volatile.Read(ref requests),
            "{request}", "Reservation requests sent to tier grains");
        meter.CreateObservableCounter("crowdfund.reservations.wait_time", () => Seconds(Volatile.Read(ref waitTicks)),
            "s", "Time reservation requests waited at the edge for their batch to leave, summed over requests");
        meter.CreateObservableCounter("crowdfund.reservations.call_time", () => Seconds(Volatile.Read(ref callTicks)),
            "s", "Time tier grains took to answer reservation batches, summed over calls");
    }

    /// <summary>A group commit that started at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp) wrote its rows.</summary>
    public void Committed(int rows, long startedAt)
    {
        Interlocked.Increment(ref commits);
        Interlocked.Add(ref committedRows, rows);
        Interlocked.Add(ref commitTicks, Stopwatch.GetTimestamp() - startedAt);
    }

    /// <summary>A batch of <paramref name="count"/> requests left the edge; together they had waited <paramref name="waitedTicks"/>.</summary>
    public void Sent(int count, long waitedTicks)
    {
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref requests, count);
        Interlocked.Add(ref waitTicks, waitedTicks);
    }

    /// <summary>The tier answered a batch sent at <paramref name="sentAt"/>.</summary>
    public void Answered(long sentAt) => Interlocked.Add(ref callTicks, Stopwatch.GetTimestamp() - sentAt);

    public PledgePathSnapshot Snapshot() => new(
        Volatile.Read(ref commits), Volatile.Read(ref committedRows), Seconds(Volatile.Read(ref commitTicks)),
        Volatile.Read(ref calls), Volatile.Read(ref requests), Seconds(Volatile.Read(ref waitTicks)),
        Seconds(Volatile.Read(ref callTicks)));

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}

/// <summary>The totals of <see cref="PledgePathStats"/> at one moment; times in seconds.</summary>
public sealed record PledgePathSnapshot(
    long Commits, long CommittedRows, double CommitSeconds,
    long Calls, long Requests, double WaitSeconds, double CallSeconds);
