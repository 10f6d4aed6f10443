using System.Runtime;

namespace Crowdfund.Bench;

/// <summary>
/// The host's memory as the collection scenario reads it, on the benchmark's host only: the managed heap and the grain
/// activations each second, and on request the live heap after a full collection, which tells memory the host keeps
/// from memory the GC has not reclaimed yet.
/// </summary>
internal static class BenchMemory
{
    public static void MapBenchMemory(this RouteGroupBuilder bench)
    {
        bench.MapGet("/memory", MemoryAsync);
        bench.MapPost("/memory/full-gc", FullGc);
    }

    /// <summary>The managed heap (garbage included), what the GC has committed, and the grain activations of this silo.</summary>
    private static async Task<IResult> MemoryAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return Results.Ok(new
        {
            heapBytes = GC.GetTotalMemory(forceFullCollection: false),
            committedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes,
            activations = statistics.Sum(s => s.ActivationCount),
            pledgeActivations = statistics.Where(s => s.GrainType.Contains("PledgeGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount),
        });
    }

    /// <summary>
    /// A blocking collection of every generation, then the objects that survived it: what the host really holds (the
    /// heap after the collection less its free space). It sweeps without compacting: a compaction copies the survivors
    /// into regions it then has to touch while the ones it emptied stay committed for a while, which raised the host's RSS
    /// by 10 to 20 MiB in the seconds after one, on a host that keeps nothing. It stops the host for the collection (tens
    /// of milliseconds for this heap), so the scenario asks for it only at a few points of a run. Also the GC's settings,
    /// to say which GC the figures are of.
    /// </summary>
    private static IResult FullGc()
    {
        var started = TimeProvider.System.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        // Objects kept for their finalizers survive the first collection; the second takes them.
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        var pause = TimeProvider.System.GetElapsedTime(started);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var settings = GC.GetConfigurationVariables();
        return Results.Ok(new
        {
            liveBytes = info.HeapSizeBytes - info.FragmentedBytes,
            committedBytes = info.TotalCommittedBytes,
            pauseMs = pause.TotalMilliseconds,
            gc = new
            {
                server = GCSettings.IsServerGC,
                concurrent = settings.GetValueOrDefault("ConcurrentGC") is true,
                heaps = settings.GetValueOrDefault("HeapCount"),
                dynamicAdaptation = settings.GetValueOrDefault("GCDynamicAdaptationMode"),
                conserveMemory = settings.GetValueOrDefault("GCConserveMem"),
                heapHardLimit = settings.GetValueOrDefault("GCHeapHardLimit"),
            },
        });
    }
}
