namespace Crowdfund.Bench;

/// <summary>Prints the medians as one table, then the ratios against the targets of the launch-rush issue.</summary>
internal static class Report
{
    public static bool Print(IReadOnlyList<Run> runs, int[] clients)
    {
        Console.WriteLine("| scenario | clients | req/s | p50 ms | p95 ms | p99 ms | host / postgres / other CPU % | notes | checks |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var group in runs.GroupBy(r => (r.Scenario, r.Clients)))
        {
            var g = group.ToList();
            var notes = new List<string>();
            if (g[0].Path is not null) notes.Add(PathNote(g));
            if (g[0].Scenario.StartsWith("sell-out", StringComparison.Ordinal))
            {
                var soldOut = g.Where(r => r.SelloutSeconds is not null).ToList();
                notes.Add(soldOut.Count == g.Count
                    ? $"sold out in {Median(soldOut, r => r.SelloutSeconds!.Value):0.00} s, then {Median(soldOut, r => r.RefusalsPerSecondAfter!.Value):0} refusals/s"
                    : "did not sell out in every run");
            }
            var failures = g.SelectMany(r => r.Failures).ToList();
            Console.WriteLine($"| {group.Key.Scenario} | {group.Key.Clients} | {Median(g, r => r.Wrk.PerSecond):0} | " +
                $"{Median(g, r => r.Wrk.P50):0.0} | {Median(g, r => r.Wrk.P95):0.0} | {Median(g, r => r.Wrk.P99):0.0} | " +
                $"{Median(g, r => r.Cpu.HostPercent):0} / {Median(g, r => r.Cpu.PostgresPercent):0} / {Median(g, r => r.Cpu.OtherPercent):0} | " +
                $"{string.Join("; ", notes)} | {(failures.Count == 0 ? "ok" : string.Join("; ", failures.Distinct()))} |");
        }
        Console.WriteLine();

        double Rate(string scenario, int c) => Median(runs.Where(r => r.Scenario == scenario && r.Clients == c).ToList(), r => r.Wrk.PerSecond);
        double P99(string scenario, int c) => Median(runs.Where(r => r.Scenario == scenario && r.Clients == c).ToList(), r => r.Wrk.P99);
        foreach (var c in clients)
        {
            Console.WriteLine($"{c,3} clients: Crowdfund / baseline = {Rate("Crowdfund hot tier", c) / Rate("baseline (row lock)", c):0.0}x; " +
                $"Crowdfund / no-op POST = {100 * Rate("Crowdfund hot tier", c) / Rate("no-op POST", c):0} %; " +
                $"dashboard / no-op GET = {100 * Rate("dashboard GET", c) / Rate("no-op GET", c):0} %");
        }
        var checksOk = runs.All(r => r.Failures.Count == 0);
        if (clients.Contains(64))
        {
            Console.WriteLine();
            Console.WriteLine("Targets at 64 clients:");
            Verdict("hot tier >= 10x baseline", Rate("Crowdfund hot tier", 64) / Rate("baseline (row lock)", 64) >= 10);
            Verdict("hot tier >= 30 % of no-op POST", Rate("Crowdfund hot tier", 64) / Rate("no-op POST", 64) >= 0.30);
            Verdict("hot tier p99 <= 50 ms", P99("Crowdfund hot tier", 64) <= 50);
            Verdict("dashboard >= 80 % of no-op GET", Rate("dashboard GET", 64) / Rate("no-op GET", 64) >= 0.80);
        }
        Verdict("zero oversell, zero lost pledge, counters equal the database, in every run", checksOk);
        return checksOk;
    }

    /// <summary>Medians of the pledge path's stages: batch sizes, then the edge wait, the tier call, and the commit inside it.</summary>
    private static string PathNote(IReadOnlyList<Run> g)
    {
        string Figure(Func<PathStats, double?> value, string format) =>
            g.Select(r => value(r.Path!)).OfType<double>().ToList() is { Count: > 0 } values ? Median(values, v => v).ToString(format) : "-";
        return $"{Figure(p => p.RequestsPerCall, "0.0")} pledges/call, {Figure(p => p.PledgesPerCommit, "0.0")}/commit; " +
            $"edge wait {Figure(p => p.WaitMs, "0.00")} ms, tier call {Figure(p => p.CallMs, "0.00")} ms, " +
            $"commit {Figure(p => p.CommitMs, "0.00")} ms";
    }

    private static void Verdict(string target, bool met) => Console.WriteLine($"  [{(met ? "met" : "MISSED")}] {target}");

    private static double Median<T>(IReadOnlyList<T> items, Func<T, double> value)
    {
        var sorted = items.Select(value).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
