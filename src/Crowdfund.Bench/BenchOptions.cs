namespace Crowdfund.Bench;

/// <param name="Cards">Backers of the card-setup scenario ('--cards N'; 0 leaves it out).</param>
/// <param name="Collection">Confirmed pledges of each collection run ('--collection N'; 0 leaves it out).</param>
/// <param name="Handoff">Collected pledges handed to the partner ('--handoff N', at most 100,000; 0 leaves it out).</param>
internal sealed record BenchOptions(string Db, string Root, TimeSpan Duration, int Repeats, int[] Clients, int Port,
    IReadOnlySet<string>? Only, int Cards, int Collection, int Handoff)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var db = Value("--db") ?? Environment.GetEnvironmentVariable("CROWDFUND_DB")
            ?? throw new ArgumentException("--db <connection string> is required");
        var quick = args.Contains("--quick");
        return new BenchOptions(
            db,
            Path.GetFullPath(Value("--root") ?? Directory.GetCurrentDirectory()),
            TimeSpan.FromSeconds(int.Parse(Value("--duration") ?? (quick ? "3" : "8"))),
            int.Parse(Value("--repeats") ?? (quick ? "1" : "3")),
            (Value("--clients") ?? "16,64,256").Split(',').Select(int.Parse).ToArray(),
            int.Parse(Value("--port") ?? "5190"),
            Value("--only")?.Split(',').ToHashSet(),
            int.Parse(Value("--cards") ?? (quick ? "600" : "3000")),
            int.Parse(Value("--collection") ?? (quick ? "2000" : "20000")),
            Math.Min(100_000, int.Parse(Value("--handoff") ?? (quick ? "10000" : "100000"))));
    }
}
