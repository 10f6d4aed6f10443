using System.Text.Json;
using Crowdfund.Bench;
using Npgsql;

// The launch-rush benchmark: './build.sh bench' (see the README). Prints one table and the ratios to the targets;
// exits 1 when a correctness check failed in any run.
var options = BenchOptions.Parse(args);
var root = options.Root;
Directory.CreateDirectory(Path.Combine(root, ".data"));
var teamKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
var bodyFile = Path.Combine(root, ".data", "bench-pledge.json");
await File.WriteAllTextAsync(bodyFile, JsonSerializer.Serialize(new
{
    tierId = "early", quantity = 1, country = "FR",
    backer = new { name = "Ada Lovelace", email = "ada@example.com" },
    shippingAddress = new { line1 = "1 rue de la Paix", city = "Paris", postalCode = "75002" },
}));
var script = Path.Combine(AppContext.BaseDirectory, "lua", "load.lua");

Console.WriteLine(Machine.Describe());
await using var db = NpgsqlDataSource.Create(options.Db);
var truth = new Truth(db);
Console.WriteLine($"PostgreSQL: fsync={await truth.SettingAsync("fsync")}, synchronous_commit={await truth.SettingAsync("synchronous_commit")}");
Console.WriteLine($"Each figure: median of {options.Repeats} runs of {options.Duration.TotalSeconds:0} s; wrk with 2 threads on the same box.");
Console.WriteLine();

await using var host = await HostProcess.StartAsync(root, options.Db, options.Port, teamKey, Path.Combine(root, ".data", "bench-host.log"));
using var team = new Team(host.BaseUrl, teamKey);
var scenarios = new Scenarios(host.BaseUrl, script, bodyFile, teamKey, options.Duration, team, truth, new CpuMeter(host.Pid));
await scenarios.PrepareAsync();

// Warm-up, not measured: the host's JIT and tiered compilation, the connection pool, the prepared statements.
var warm = new Scenarios(host.BaseUrl, script, bodyFile, teamKey, TimeSpan.FromSeconds(2), team, truth, new CpuMeter(host.Pid));
foreach (var clients in options.Clients)
{
    await warm.NoopPostAsync(clients);
    await warm.HotTierAsync(clients);
    await warm.BaselineAsync(clients);
    await warm.SelloutAsync(clients);
    await warm.NoopGetAsync(clients);
    await warm.DashboardAsync(clients);
}

var runs = new List<Run>();
foreach (var clients in options.Clients)
{
    for (var repeat = 0; repeat < options.Repeats; repeat++)
    {
        // Interleaved, so that drift of the machine during the run touches every scenario alike.
        runs.Add(await scenarios.NoopPostAsync(clients));
        runs.Add(await scenarios.HotTierAsync(clients));
        runs.Add(await scenarios.BaselineAsync(clients));
        runs.Add(await scenarios.SelloutAsync(clients));
        runs.Add(await scenarios.NoopGetAsync(clients));
        runs.Add(await scenarios.DashboardAsync(clients));
        Console.Error.Write('.');
    }
}
Console.Error.WriteLine();
return Report.Print(runs, options.Clients) ? 0 : 1;
