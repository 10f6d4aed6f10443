using System.Diagnostics;
using System.Globalization;
using Crowdfund.StripeEmulator;
using File = System.IO.File;

namespace Crowdfund.Bench;

/// <summary>One second of a collection run: pledges collected so far and the host's memory then.</summary>
/// <param name="HeapMiB">The managed heap, garbage not yet collected included.</param>
/// <param name="CommittedMiB">What the GC holds from the system for the heap.</param>
internal sealed record MemorySample(double Seconds, int Collected, Resident Resident, double HeapMiB, double CommittedMiB,
    int PledgeActivations, long StripeRequests)
{
    public double RssMiB => Resident.TotalMiB;
}

/// <summary>The objects that survived a full collection of the host (its live heap), and its RSS just after.</summary>
/// <param name="PauseMs">How long the host stood still for it.</param>
internal sealed record LiveHeap(double Seconds, int Collected, double LiveMiB, Resident Resident, double PauseMs);

/// <summary>
/// The host's memory over one collection run, and whether it stayed flat after the run's first quarter (the host warms
/// up in it: tiered compilation of the charge path, pools and caches filling, the GC sizing its heaps).
/// </summary>
/// <remarks>
/// The RSS each second cannot tell what the host keeps from what its GC has not collected yet: the server GC lets garbage
/// pile up until its budget calls for a full collection, which may come once in a run or not at all, so the RSS's slope
/// over a run of a few minutes says more about where the run ended in that cycle than about the host. Measured on a
/// 20,000-pledge run with faults: the GC's part of the RSS went up and down between 33 and 56 MiB, the native part
/// (outside the GC's range, from /proc's smaps) stayed at 23 to 24 MiB, and the RSS's slope read +14.8 MiB per 10,000
/// pledges while the same full collection at the quarter and at the end found the RSS 2.5 MiB apart. So the host makes a
/// full collection three times, before the run, at its quarter and after it, and what is judged is taken just after each,
/// the host in the same state each time: the objects that survived (the live heap: a managed leak grows it) and the RSS
/// (a native leak, or memory the GC keeps committed, grows it). The RSS each second is printed beside, peak included.
/// </remarks>
internal sealed class CollectionMemory(int pledges, IReadOnlyList<MemorySample> samples, IReadOnlyList<LiveHeap> live, string gcMode)
{
    /// <summary>
    /// The RSS after a full collection may grow this much per 10,000 pledges from the first quarter to the end: about 1 KiB
    /// a pledge.
    /// </summary>
    public const double RssMiBPer10k = 10;

    /// <summary>The live heap may grow this much per 10,000 pledges from the first quarter to the end: half a KiB a pledge.</summary>
    public const double LiveMiBPer10k = 5;

    /// <summary>The seconds after the quarter's collection that the RSS's slope leaves out, the pause being the benchmark's.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public IReadOnlyList<MemorySample> Samples => samples;

    public IReadOnlyList<LiveHeap> Live => live;

    public string GcMode => gcMode;

    /// <summary>Whether the run has reached its quarter, where the host makes a full collection.</summary>
    public static bool FullGcDue(int taken, int collected, int pledges) => taken == 1 && collected >= pledges / 4;

    /// <summary>
    /// The least-squares slope of the RSS each second against pledges collected, per 10,000 pledges, from
    /// <see cref="Settle"/> after the quarter's collection to the end of the run: shown, not judged (see the remarks).
    /// </summary>
    public double RssSlopeMiBPer10k => Slope(AfterQuarter(), m => m.RssMiB) * 10_000;

    /// <summary>The same for the anonymous part alone (heaps, native memory), where a leak would be.</summary>
    public double AnonSlopeMiBPer10k => Slope(AfterQuarter(), m => m.Resident.AnonMiB) * 10_000;

    /// <summary>The growth of the live heap per 10,000 pledges from the quarter to the end; NaN without both.</summary>
    public double LiveGrowthMiBPer10k => AfterFullGcs(l => l.LiveMiB);

    /// <summary>The growth of the RSS just after a full collection, per 10,000 pledges from the quarter to the end.</summary>
    public double RssGrowthMiBPer10k => AfterFullGcs(l => l.Resident.TotalMiB);

    public bool RssFlat => RssGrowthMiBPer10k < RssMiBPer10k;

    public bool LiveFlat => LiveGrowthMiBPer10k < LiveMiBPer10k;

    /// <summary>The per-second samples at the start, at the first quarter of the pledges collected, and at the end.</summary>
    public IReadOnlyList<MemorySample> Points =>
        [samples[0], samples.FirstOrDefault(m => m.Collected >= pledges / 4) ?? samples[^1], samples[^1]];

    public void Print(string name)
    {
        var m = samples;
        Console.WriteLine($"  {name}, at the start / a quarter / the end: RSS {Text(Points, p => p.RssMiB)} MiB = anonymous " +
            $"{Text(Points, p => p.Resident.AnonMiB)} + file-backed {Text(Points, p => p.Resident.FileMiB)} + runtime code " +
            $"{Text(Points, p => p.Resident.SharedMiB)}; managed heap with its garbage {Text(Points, p => p.HeapMiB)}, " +
            $"GC committed {Text(Points, p => p.CommittedMiB)} (peaks: RSS {m.Max(s => s.RssMiB):0}, heap {m.Max(s => s.HeapMiB):0}); " +
            $"slope after the quarter, per 10,000 pledges: RSS {RssSlopeMiBPer10k:+0.0;-0.0} MiB, anonymous {AnonSlopeMiBPer10k:+0.0;-0.0}");
        Console.WriteLine($"  {name}, just after a full collection at the start / the quarter / the end: live heap " +
            $"{Text(live, l => l.LiveMiB)} MiB ({LiveGrowthMiBPer10k:+0.0;-0.0} per 10,000 pledges after the quarter), RSS " +
            $"{Text(live, l => l.Resident.TotalMiB)} MiB ({RssGrowthMiBPer10k:+0.0;-0.0} per 10,000 pledges after the quarter); " +
            $"each stopped the host {Text(live, l => l.PauseMs)} ms");
    }

    /// <summary>The host's memory now: its RSS in parts, its heap, its grain activations.</summary>
    public static async Task<MemorySample> SampleAsync(Team team, StripeEmulatorServer stripe, int pid, Stopwatch clock, int collected)
    {
        var at = clock.Elapsed.TotalSeconds;
        var rss = Resident.Of(pid);
        var requests = stripe.Stats().Requests;
        var memory = await team.BenchAsync(HttpMethod.Get, "/bench/memory");
        return new MemorySample(at, collected, rss, memory.GetProperty("heapBytes").GetInt64() / 1048576.0,
            memory.GetProperty("committedBytes").GetInt64() / 1048576.0, memory.GetProperty("pledgeActivations").GetInt32(), requests);
    }

    /// <summary>The host's live heap after a full collection, and the GC's settings in words.</summary>
    public static async Task<(LiveHeap Live, string GcMode)> FullGcAsync(Team team, int pid, Stopwatch clock, int collected)
    {
        var answer = await team.BenchAsync(HttpMethod.Post, "/bench/memory/full-gc");
        var live = new LiveHeap(clock.Elapsed.TotalSeconds, collected, answer.GetProperty("liveBytes").GetInt64() / 1048576.0,
            Resident.Of(pid), answer.GetProperty("pauseMs").GetDouble());
        var gc = answer.GetProperty("gc");
        var limit = gc.GetProperty("heapHardLimit").GetInt64();
        var mode = $"{(gc.GetProperty("server").GetBoolean() ? "Server" : "Workstation")} GC, " +
            $"{(gc.GetProperty("concurrent").GetBoolean() ? "concurrent" : "not concurrent")}, at most {gc.GetProperty("heaps")} heaps, " +
            $"dynamic adaptation (DATAS) {(gc.GetProperty("dynamicAdaptation").GetInt64() == 1 ? "on" : "off")}, " +
            $"conserve memory {gc.GetProperty("conserveMemory")}, heap hard limit {(limit == 0 ? "none" : $"{limit / 1048576} MiB")}";
        return (live, mode);
    }

    /// <summary>The run second by second, and the full collections, for a closer look than the table gives.</summary>
    public async Task WriteTimelineAsync(string path)
    {
        // The full collections' rows have no request count or heap of their own; the samples' rows no live heap.
        var lines = new List<string>
        {
            "seconds,collected,stripe_requests,rss_mib,rss_anon_mib,rss_file_mib,rss_shared_mib,heap_mib,gc_committed_mib,pledge_activations,live_heap_mib",
        };
        static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
        static string Parts(Resident r) => $"{Number(r.TotalMiB)},{Number(r.AnonMiB)},{Number(r.FileMiB)},{Number(r.SharedMiB)}";
        lines.AddRange(samples.Select(m => (m.Seconds, Line: $"{Number(m.Seconds)},{m.Collected},{m.StripeRequests},{Parts(m.Resident)}," +
                $"{Number(m.HeapMiB)},{Number(m.CommittedMiB)},{m.PledgeActivations},"))
            .Concat(live.Select(l => (l.Seconds, Line: $"{Number(l.Seconds)},{l.Collected},,{Parts(l.Resident)},,,,{Number(l.LiveMiB)}")))
            .OrderBy(l => l.Seconds).Select(l => l.Line));
        await File.WriteAllLinesAsync(path, lines);
    }

    private List<MemorySample> AfterQuarter()
    {
        var from = live.Count > 1 ? live[1].Seconds + Settle.TotalSeconds : double.PositiveInfinity;
        return samples.Where(m => m.Collected >= pledges / 4 && m.Seconds >= from).ToList();
    }

    /// <summary>A figure taken after the quarter's and the end's full collections, its growth per 10,000 pledges; NaN without both.</summary>
    private double AfterFullGcs(Func<LiveHeap, double> mib) => live.Count > 2 && live[2].Collected > live[1].Collected
        ? (mib(live[2]) - mib(live[1])) / (live[2].Collected - live[1].Collected) * 10_000
        : double.NaN;

    /// <summary>Least-squares slope of a memory figure against pledges collected, in MiB per pledge.</summary>
    private static double Slope(IReadOnlyList<MemorySample> points, Func<MemorySample, double> mib)
    {
        if (points.Count < 3) return double.NaN;
        var meanX = points.Average(s => (double)s.Collected);
        var meanY = points.Average(mib);
        var sxx = points.Sum(s => (s.Collected - meanX) * (s.Collected - meanX));
        return sxx == 0 ? double.NaN : points.Sum(s => (s.Collected - meanX) * (mib(s) - meanY)) / sxx;
    }

    private static string Text<T>(IEnumerable<T> points, Func<T, double> mib) =>
        string.Join(" / ", points.Select(p => mib(p).ToString("0", CultureInfo.InvariantCulture)));
}
