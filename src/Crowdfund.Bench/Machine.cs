namespace Crowdfund.Bench;

internal static class Machine
{
    public static string Describe()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0);
        return $"Machine: {Environment.ProcessorCount} cores ({model ?? "unknown CPU"}), {memory:0} GiB, " +
               $"load average before the run {load} (other load shows here), {Environment.OSVersion}, .NET {Environment.Version}";
    }
}
