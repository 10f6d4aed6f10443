using System.Text.Json;
using Crowdfund.Bench;
using Crowdfund.StripeEmulator;
using Npgsql;

// The launch-rush benchmark: './build.sh bench' (see the README). Prints one table and the ratios to the targets, then the
// card-setup, collection and handoff scenarios; exits 1 when a correctness check failed in any run. 'host' runs the host it
// measures (see BenchHost).
if (args.FirstOrDefault() == "host")
{
    await BenchHost.RunAsync(args[1..]);
    return 0;
}

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

// Interleaved in this order, so that drift of the machine during the run touches every scenario alike;
// '--only hot,dashboard' keeps some of them (to profile one scenario for a long time, say).
(string Name, Func<Scenarios, int, Task<Run>> Measure)[] all =
[
    ("noop-post", (s, c) => s.NoopPostAsync(c)),
    ("hot", (s, c) => s.HotTierAsync(c)),
    ("baseline", (s, c) => s.BaselineAsync(c)),
    ("sellout", (s, c) => s.SelloutAsync(c)),
    ("noop-get", (s, c) => s.NoopGetAsync(c)),
    ("dashboard", (s, c) => s.DashboardAsync(c)),
];
var chosen = all.Where(s => options.Only is null || options.Only.Contains(s.Name)).ToArray();
var cardsChosen = options.Cards > 0 && (options.Only is null || options.Only.Contains("cards"));
var collectionChosen = options.Collection > 0 && (options.Only is null || options.Only.Contains("collection"));
var handoffChosen = options.Handoff > 0 && (options.Only is null || options.Only.Contains("handoff"));
if (chosen.Length == 0 && !cardsChosen && !collectionChosen && !handoffChosen)
    throw new ArgumentException($"--only takes some of: {string.Join(",", all.Select(s => s.Name))},cards,collection,handoff");

var passed = true;
if (chosen.Length > 0 || cardsChosen)
{
    if (chosen.Length > 0)
        Console.WriteLine($"Each figure: median of {options.Repeats} runs of {options.Duration.TotalSeconds:0} s; wrk with 2 threads on the same box.");
    Console.WriteLine();

    // Stripe is the project's emulator, in this process, at Stripe's default live-mode limit of 100 requests a second.
    await using var stripe = await StripeEmulatorServer.StartAsync(new EmulatorOptions
    {
        WebhookRetryDelay = TimeSpan.FromMilliseconds(200), WebhookMaxRetryDelay = TimeSpan.FromSeconds(2),
    });
    var webhookSecret = "whsec_bench_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    await using var host = await HostProcess.StartAsync(root, options.Db, options.Port, teamKey, Path.Combine(root, ".data", "bench-host.log"),
        stripe, webhookSecret);
    stripe.SetWebhookEndpoint(host.BaseUrl + "/webhooks/stripe", webhookSecret);
    using var team = new Team(host.BaseUrl, teamKey);
    var scenarios = new Scenarios(host.BaseUrl, script, bodyFile, teamKey, options.Duration, team, truth, new CpuMeter(host.Pid));
    await scenarios.PrepareAsync();

    // Warm-up, not measured: the host's JIT and tiered compilation, the connection pool, the prepared statements.
    var warm = new Scenarios(host.BaseUrl, script, bodyFile, teamKey, TimeSpan.FromSeconds(2), team, truth, new CpuMeter(host.Pid));
    foreach (var clients in options.Clients)
    {
        foreach (var scenario in chosen) await scenario.Measure(warm, clients);
    }

    var runs = new List<Run>();
    foreach (var clients in options.Clients)
    {
        for (var repeat = 0; repeat < options.Repeats; repeat++)
        {
            foreach (var scenario in chosen) runs.Add(await scenario.Measure(scenarios, clients));
            Console.Error.Write('.');
        }
    }
    Console.Error.WriteLine();
    passed = chosen.Length == 0 || runs.Count == 0 || Report.Print(runs, options.Clients);
    if (cardsChosen)
    {
        var cards = await new CardScenario(host.BaseUrl, team, stripe, db, options.Cards).RunAsync();
        CardScenario.Print(cards);
        passed &= CardScenario.Passed(cards);
    }
}

if (collectionChosen)
{
    // After the launch-rush host has stopped: each run starts a host and an emulator of its own, on the same port.
    var collection = new CollectionScenario(root, options.Db, options.Port, db, options.Collection);
    var runs = new List<CollectionRun>
    {
        await collection.RunAsync("clean", faults: null),
        // A fifth of the requests fail: 500s and 429s answered before the charge is made, and answers lost after it.
        await collection.RunAsync("20 % faults", new FaultOptions
        {
            ServerErrorRate = 0.07, RateLimitRate = 0.07, DropAfterWriteRate = 0.06, Seed = 16,
        }),
    };
    foreach (var run in runs)
        await run.Memory.WriteTimelineAsync(Path.Combine(root, ".data", $"bench-collection-{CollectionScenario.FileName(run.Name)}.csv"));
    CollectionScenario.Print(runs);
    passed &= CollectionScenario.Passed(runs);
}

if (handoffChosen)
{
    // Hosts of its own again, on the same port: the handoff of collected pledges to the partner (see HandoffScenario).
    var handoff = await new HandoffScenario(root, options.Db, options.Port, db, options.Handoff).RunAsync();
    HandoffScenario.Print(handoff);
    passed &= HandoffScenario.Passed(handoff);
}
return passed ? 0 : 1;
