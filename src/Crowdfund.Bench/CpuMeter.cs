namespace Crowdfund.Bench;

/// <summary>
/// Where the two cores went during a run, from /proc: the host process, the PostgreSQL processes, and the rest
/// (mostly wrk itself, since nothing else should run).
/// </summary>
internal sealed class CpuMeter(int hostPid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public sealed record Sample(double Total, double Busy, double Host, double Postgres);

    public sealed record Share(double BusyPercent, double HostPercent, double PostgresPercent, double OtherPercent);

    public Sample Take() => new(ReadTotal().Total, ReadTotal().Busy, ProcessTicks(hostPid), PostgresTicks());

    public static Share Between(Sample before, Sample after)
    {
        var total = Math.Max(1, after.Total - before.Total);
        double Percent(double ticks) => 100 * ticks / total;
        // A PostgreSQL backend that exits during the run takes its ticks with it; never show less than nothing.
        var busy = Math.Max(0, after.Busy - before.Busy);
        var host = Math.Max(0, after.Host - before.Host);
        var postgres = Math.Max(0, after.Postgres - before.Postgres);
        return new Share(Percent(busy), Percent(host), Percent(postgres), Percent(Math.Max(0, busy - host - postgres)));
    }

    private static (double Total, double Busy) ReadTotal()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(double.Parse).ToArray();
        var idle = fields[3] + fields[4];
        return (fields.Sum(), fields.Sum() - idle);
    }

    private static double ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return double.Parse(fields[11]) + double.Parse(fields[12]);
        }
        catch (IOException)
        {
            return 0; // The process ended between listing and reading.
        }
    }

    private static double PostgresTicks()
    {
        double sum = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText($"{dir}/comm").Trim() == "postgres") sum += ProcessTicks(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return sum;
    }

    public static double TicksToSeconds(double ticks) => ticks / TicksPerSecond;
}
