using File = System.IO.File;

namespace Crowdfund.Bench;

/// <summary>
/// A process's resident memory from /proc, in MiB, in the kernel's three parts: anonymous (the GC's heap, native
/// allocations, stacks), file-backed (assemblies and libraries mapped from disk) and shared (on .NET, the runtime's
/// double-mapped executable memory, /memfd:doublemapper: JIT-compiled code and the runtime's stubs and type data).
/// Only the first can hold what a leak keeps; the other two grow while the host warms up and compiles its hot paths.
/// </summary>
internal sealed record Resident(double TotalMiB, double AnonMiB, double FileMiB, double SharedMiB)
{
    public static Resident Of(int pid)
    {
        var fields = File.ReadLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0] is "VmRSS" or "RssAnon" or "RssFile" or "RssShmem")
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0]) / 1024.0);
        return new Resident(fields["VmRSS"], fields["RssAnon"], fields["RssFile"], fields["RssShmem"]);
    }
}
