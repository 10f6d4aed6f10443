using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.StripeEmulator;
using Dapper;
using Npgsql;
using Stripe;

namespace Crowdfund.Bench;

/// <summary>What one collection run measured.</summary>
/// <param name="StripeSeconds">From the last emulator sample before the first request of the run to the first after its last.</param>
/// <param name="StripeRequests">Requests with the secret key in that stretch: charges, and with faults their retries too.</param>
/// <param name="Charged">Charges that succeeded at the emulator for this campaign.</param>
/// <param name="RunSeconds">From the run's start to its end, as the team endpoint reports them.</param>
/// <param name="ReportedRate">The median of the team endpoint's chargesPerSecond (its 10-second window) while pledges remained.</param>
/// <param name="Collected">Pledges Collected in the database for their stored total.</param>
/// <param name="SeedSeconds">From the start of the host and of the cards to every pledge confirmed.</param>
/// <param name="CampaignSeedSeconds">The part of it after the launch: reserving, confirming, the tiers told.</param>
internal sealed record CollectionRun(string Name, int Pledges, double SeedSeconds, double CampaignSeedSeconds, double StripeSeconds,
    long StripeRequests, long RateLimited, double Limit, int Charged, int Declined, double RunSeconds, double ReportedRate, bool Finished,
    int Collected, int ChargedTwice, int WrongAmount, int Uncharged, CollectionMemory Memory, CpuMeter.Share Cpu)
{
    public double ChargesPerSecond => Charged / StripeSeconds;

    public double RequestsPerSecond => StripeRequests / StripeSeconds;
}

/// <summary>
/// Collection after a campaign's end at Stripe's pace: a campaign of <c>pledges</c> confirmed pledges in three
/// currencies ends, and its run charges each off-session through the real host and Stripe adapter, against the emulator
/// at Stripe's default live limit of 100 requests a second. Each run has a host and an emulator of its own, started
/// fresh, so that neither the launch-rush's held rewards nor another run's activations weigh on its memory.
/// </summary>
/// <remarks>
/// The pledges are seeded, not made through 20,000 card setups (40,000 Stripe calls, 400 s at the limit, and not what
/// is measured): they are reserved through the real API, their cards made at the emulator with its limit off (a customer
/// and an attached card each, through Stripe.net), and the rows confirmed with those cards by one SQL update, after
/// which each tier takes the pledges from their rows as it does when a pledge grain confirms one.
/// </remarks>
internal sealed class CollectionScenario(string root, string db, int port, NpgsqlDataSource data, int pledges)
{
    public const double StripeLimit = 100;
    private const string TierId = "standard";
    private static readonly string[] Countries = ["FR", "DE", "ES", "US", "CA"];

    public async Task<CollectionRun> RunAsync(string name, FaultOptions? faults)
    {
        var teamKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var webhookSecret = "whsec_bench_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var stripe = await StripeEmulatorServer.StartAsync(new EmulatorOptions
        {
            RequestsPerSecond = 0, WebhookRetryDelay = TimeSpan.FromMilliseconds(200), WebhookMaxRetryDelay = TimeSpan.FromSeconds(2),
        });
        var seeding = Stopwatch.StartNew();
        // The cards do not depend on the campaign: they are made while the host starts.
        var cards = MakeCardsAsync(stripe);
        await using var host = await HostProcess.StartAsync(root, db, port, teamKey,
            Path.Combine(root, ".data", $"bench-collection-{FileName(name)}-host.log"), stripe, webhookSecret);
        using var team = new Team(host.BaseUrl, teamKey);
        var slug = $"bench-collect-{Guid.NewGuid():N}"[..26];
        var deadline = DateTimeOffset.UtcNow + SeedAllowance();
        var launched = seeding.Elapsed;
        await team.LaunchEverywhereAsync(slug, TierId, deadline, goalUnits: 500);
        var ids = await ReserveAsync(host.BaseUrl, slug);
        await ConfirmAsync(slug, ids, await cards);
        await team.BenchAsync(HttpMethod.Post, $"/bench/campaigns/{slug}/seeded");
        var seedSeconds = seeding.Elapsed.TotalSeconds;
        var campaignSeconds = (seeding.Elapsed - launched).TotalSeconds;
        if (DateTimeOffset.UtcNow >= deadline)
            throw new InvalidOperationException(
                $"seeding {pledges} pledges took {seedSeconds:0} s, past the campaign's deadline; the machine is too busy");

        // From here on Stripe is as in production: its events reach the host, at most 100 requests a second.
        stripe.SetWebhookEndpoint(host.BaseUrl + "/webhooks/stripe", webhookSecret);
        stripe.RequestsPerSecond = StripeLimit;
        if (faults is not null) stripe.Faults = faults;
        var wait = deadline - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var stripeSamples = SampleStripeAsync(stripe, clock, sampling.Token);
        // A full collection before the run (the host idle, the campaign seeded), one at its quarter, one after it.
        var (start, gcMode) = await CollectionMemory.FullGcAsync(team, host.Pid, clock, 0);
        var live = new List<LiveHeap> { start };
        var cpu = new CpuMeter(host.Pid);
        var cpuBefore = cpu.Take();
        var memory = new List<MemorySample> { await CollectionMemory.SampleAsync(team, stripe, host.Pid, clock, 0) };
        var ended = await team.BenchAsync(HttpMethod.Post, $"/bench/campaigns/{slug}/deadline");
        if (ended.GetProperty("status").GetString() != "Succeeded")
            throw new InvalidOperationException($"the campaign ended {ended.GetProperty("status")}, not Succeeded");
        var (view, rates) = await WatchAsync(team, stripe, slug, host.Pid, clock, memory, live);
        var share = CpuMeter.Between(cpuBefore, cpu.Take());
        await sampling.CancelAsync();
        var (stripeSeconds, requests, limited) = Busy(await stripeSamples);
        stripe.Faults = new FaultOptions();
        live.Add((await CollectionMemory.FullGcAsync(team, host.Pid, clock, memory[^1].Collected)).Live);

        var finished = view?.GetProperty("status").GetString() == "Finished";
        var runSeconds = finished
            ? (view!.Value.GetProperty("finishedAt").GetDateTimeOffset() - view.Value.GetProperty("startedAt").GetDateTimeOffset())
                .TotalSeconds
            : clock.Elapsed.TotalSeconds;
        var (collected, twice, wrong, uncharged, charged, declined) = await CheckAsync(stripe, slug);
        return new CollectionRun(name, pledges, seedSeconds, campaignSeconds, stripeSeconds, requests, limited, StripeLimit, charged,
            declined, runSeconds, Median(rates), finished, collected, twice, wrong, uncharged,
            new CollectionMemory(pledges, memory, live, gcMode), share);
    }

    public static string FileName(string run) => new(run.Where(char.IsLetterOrDigit).ToArray());

    /// <summary>Generous: the seeding takes a few seconds per 10,000 pledges on an idle box.</summary>
    private TimeSpan SeedAllowance() => TimeSpan.FromSeconds(15 + pledges / 500.0);

    /// <summary>A customer with a Visa card attached per pledge, at the emulator with its rate limit off.</summary>
    private async Task<(string Customer, string Card)[]> MakeCardsAsync(StripeEmulatorServer stripe)
    {
        var client = new StripeClient(stripe.SecretKey, apiBase: stripe.BaseUrl);
        var cards = new (string, string)[pledges];
        await Parallel.ForEachAsync(Enumerable.Range(0, pledges), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"collect-{i}@example.com" },
                cancellationToken: token);
            var card = await client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id },
                cancellationToken: token);
            cards[i] = (customer.Id, card.Id);
        });
        return cards;
    }

    /// <summary>Every pledge reserved through the public API, spread over the five countries, one or two rewards each.</summary>
    private async Task<Guid[]> ReserveAsync(string baseUrl, string slug)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60),
        };
        var ids = new Guid[pledges];
        await Parallel.ForEachAsync(Enumerable.Range(0, pledges), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var country = Countries[i % Countries.Length];
            var postalCode = country switch { "DE" => "10117", "ES" => "28001", "US" => "94103", "CA" => "K1A 0B1", _ => "75002" };
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/campaigns/{slug}/pledges")
            {
                Content = JsonContent.Create(new
                {
                    tierId = TierId, quantity = 1 + i / Countries.Length % 2, country,
                    backer = new { name = "Ada Lovelace", email = $"backer-{i}-{slug}@example.com" },
                    shippingAddress = new { line1 = "1 Main Street", city = "Springfield", postalCode },
                }),
            };
            request.Headers.Add("Idempotency-Key", $"{slug}-{i}");
            var answer = await http.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"reserving pledge {i}: {(int)answer.StatusCode} {text}");
            ids[i] = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        });
        return ids;
    }

    /// <summary>The seeded confirmation: each reservation gets its card and becomes Confirmed, in one statement.</summary>
    private async Task ConfirmAsync(string slug, Guid[] ids, (string Customer, string Card)[] cards)
    {
        await using var connection = await data.OpenConnectionAsync();
        var confirmed = await connection.ExecuteAsync("""
            UPDATE pledges p
               SET status = 'Confirmed', customer_id = c.customer_id, payment_method_id = c.payment_method_id,
                   setup_attempt = 1, card_attempt = 1, confirmed_at = now(), updated_at = now(), version = p.version + 1
              FROM unnest(@ids::uuid[], @customers::text[], @methods::text[]) AS c(id, customer_id, payment_method_id)
             WHERE p.id = c.id AND p.campaign_id = @slug AND p.status = 'Reserved'
            """, new { ids, customers = cards.Select(c => c.Customer).ToArray(), methods = cards.Select(c => c.Card).ToArray(), slug },
            commandTimeout: 300);
        if (confirmed != pledges) throw new InvalidOperationException($"{confirmed} of {pledges} reservations confirmed");
    }

    /// <summary>The emulator's counts every tenth of a second while the run goes.</summary>
    private static async Task<List<(TimeSpan At, EmulatorStats Stats)>> SampleStripeAsync(StripeEmulatorServer stripe, Stopwatch clock,
        CancellationToken stop)
    {
        var samples = new List<(TimeSpan, EmulatorStats)> { (clock.Elapsed, stripe.Stats()) };
        try
        {
            while (true)
            {
                await Task.Delay(100, stop);
                samples.Add((clock.Elapsed, stripe.Stats()));
            }
        }
        catch (OperationCanceledException)
        {
            samples.Add((clock.Elapsed, stripe.Stats()));
        }
        return samples;
    }

    /// <summary>
    /// Reads the run as the team would, and the host's memory, every second until the run is finished or patience runs
    /// out; the run's own rate while pledges remained.
    /// </summary>
    private async Task<(JsonElement? View, List<double> Rates)> WatchAsync(Team team, StripeEmulatorServer stripe, string slug,
        int pid, Stopwatch clock, List<MemorySample> memory, List<LiveHeap> live)
    {
        var patience = TimeSpan.FromSeconds(120 + 3 * pledges / StripeLimit);
        var rates = new List<double>();
        JsonElement? view = null;
        while (clock.Elapsed < patience)
        {
            var tick = clock.Elapsed;
            view = await team.CollectionAsync(slug);
            var collected = 0;
            if (view is { } v)
            {
                collected = v.GetProperty("pledges").TryGetProperty("Collected", out var c) ? c.GetInt32() : 0;
                // The run's window is ten seconds long: its first figures are ramps.
                if (v.GetProperty("remaining").GetInt32() > 0 && tick > TimeSpan.FromSeconds(10))
                    rates.Add(v.GetProperty("chargesPerSecond").GetDouble());
            }
            memory.Add(await CollectionMemory.SampleAsync(team, stripe, pid, clock, collected));
            if (CollectionMemory.FullGcDue(live.Count, collected, pledges))
                live.Add((await CollectionMemory.FullGcAsync(team, pid, clock, collected)).Live);
            if (view?.GetProperty("status").GetString() == "Finished") break;
            var next = tick + TimeSpan.FromSeconds(1) - clock.Elapsed;
            if (next > TimeSpan.Zero) await Task.Delay(next);
        }
        return (view, rates);
    }

    /// <summary>The resident set of a process, from /proc, in MiB.</summary>
    public static double Rss(int pid) => Resident.Of(pid).TotalMiB;

    /// <summary>
    /// The stretch in which Stripe was being called: from the last sample before the run's first request to the first
    /// sample after its last.
    /// </summary>
    private static (double Seconds, long Requests, long RateLimited) Busy(List<(TimeSpan At, EmulatorStats Stats)> samples)
    {
        var first = samples.FindLastIndex(s => s.Stats.Requests == samples[0].Stats.Requests);
        var last = samples.FindIndex(s => s.Stats.Requests == samples[^1].Stats.Requests);
        if (last <= first) return (0.001, 0, 0);
        var (start, end) = (samples[first], samples[last]);
        return ((end.At - start.At).TotalSeconds, end.Stats.Requests - start.Stats.Requests,
            samples[^1].Stats.RateLimited - samples[0].Stats.RateLimited);
    }

    /// <summary>
    /// The database against the emulator's own charges: pledges collected for their stored total, pledges charged more
    /// than once, charges whose amount or currency is not the pledge's stored total, pledges without a charge.
    /// </summary>
    private async Task<(int Collected, int Twice, int Wrong, int Uncharged, int Charged, int Declined)> CheckAsync(
        StripeEmulatorServer stripe, string slug)
    {
        await using var connection = await data.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid Id, string Status, long Total, string Currency, long? CollectedAmount)>(
            "SELECT id, status, total, currency, collected_amount FROM pledges WHERE campaign_id = @slug", new { slug }))
            .ToDictionary(r => r.Id.ToString());
        var charges = stripe.Charges().Where(c => c.Metadata.GetValueOrDefault("campaign_id") == slug).ToList();
        var succeeded = charges.Where(c => c.Status == "succeeded").GroupBy(c => c.Metadata["pledge_id"])
            .ToDictionary(g => g.Key, g => g.ToList());
        var collected = rows.Values.Count(r => r.Status == "Collected" && r.CollectedAmount == r.Total);
        var twice = succeeded.Count(p => p.Value.Count > 1);
        var wrong = succeeded.Count(p => !rows.TryGetValue(p.Key, out var row)
            || p.Value.Any(c => c.Amount != row.Total || c.Currency != row.Currency.ToLowerInvariant()));
        var uncharged = rows.Keys.Count(id => !succeeded.ContainsKey(id));
        return (collected, twice, wrong, uncharged, succeeded.Values.Sum(c => c.Count), charges.Count(c => c.Status != "succeeded"));
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static void Print(IReadOnlyList<CollectionRun> runs)
    {
        Console.WriteLine();
        Console.WriteLine($"Collection: {runs[0].Pledges} confirmed pledges in FR, DE, ES (EUR), US (USD), CA (CAD), seeded: reserved " +
            "through the API, a customer and a card each made at the emulator with its limit off, confirmed by one SQL update. " +
            $"Each run on a fresh host; the Stripe emulator at its default limit of {StripeLimit:0} requests/s.");
        Console.WriteLine("| run | seconds | charges/s | Stripe requests/s | share of the limit | 429 for the rate | run's own rate | " +
            "collected | charged twice | wrong amount | RSS start / peak / end MiB | after a full collection, per 10k pledges: RSS | live heap | " +
            "pledge activations peak / end | host / box CPU % |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|");
        foreach (var run in runs)
        {
            var m = run.Memory.Samples;
            Console.WriteLine($"| {run.Name} | {run.RunSeconds:0.0} | {run.ChargesPerSecond:0.0} | {run.RequestsPerSecond:0.0} | " +
                $"{100 * run.RequestsPerSecond / run.Limit:0.0} % | {run.RateLimited} | {run.ReportedRate:0.0}/s | " +
                $"{run.Collected} | {run.ChargedTwice} | {run.WrongAmount} | " +
                $"{m[0].RssMiB:0} / {m.Max(s => s.RssMiB):0} / {m[^1].RssMiB:0} | {run.Memory.RssGrowthMiBPer10k:+0.0;-0.0} MiB | " +
                $"{run.Memory.LiveGrowthMiBPer10k:+0.0;-0.0} MiB | " +
                $"{m.Max(s => s.PledgeActivations)} / {m[^1].PledgeActivations} | {run.Cpu.HostPercent:0} / {run.Cpu.BusyPercent:0} |");
        }
        foreach (var run in runs)
        {
            Console.WriteLine($"  {run.Name}: seeded in {run.SeedSeconds:0.0} s ({run.CampaignSeedSeconds:0.0} s after the launch); " +
                $"{run.StripeRequests} Stripe requests in {run.StripeSeconds:0.0} s for {run.Charged} charges ({run.Declined} failed); " +
                $"uncharged {run.Uncharged}; run {(run.Finished ? "finished" : "NOT finished")}");
            run.Memory.Print(run.Name);
        }
        Console.WriteLine($"  Host GC: {runs[0].Memory.GcMode}. The RSS each second also counts garbage the GC has not collected " +
            "yet, which a server GC lets pile up until its budget calls for a full collection, once in a run or not at all: its slope " +
            "says where the run ended in that cycle. What the host keeps is judged just after a full collection at the quarter and " +
            "at the end, the host in the same state each time: its RSS and its live heap. Growth is measured after the first " +
            "quarter, the host's warm-up (tiered compilation of the charge path, pools and caches filling, the GC sizing its heaps).");
        var clean = runs[0];
        Verdict("charges >= 95 % of the rate limit (clean run)", clean.ChargesPerSecond / clean.Limit >= 0.95);
        Verdict($"host memory flat: RSS (after a full collection) growth after the first quarter under " +
            $"{CollectionMemory.RssMiBPer10k:0} MiB per 10,000 pledges, in every run", runs.All(r => r.Memory.RssFlat));
        Verdict($"host memory flat: live heap (after a full collection) growth after the first quarter under " +
            $"{CollectionMemory.LiveMiBPer10k:0} MiB per 10,000 pledges, in every run", runs.All(r => r.Memory.LiveFlat));
        Verdict("zero pledges charged twice, in every run", runs.All(r => r.ChargedTwice == 0));
        Verdict("every pledge collected, once, for its stored total, in every run", runs.All(Collected));
    }

    /// <summary>True when every check holds (the rate share and the memory are targets, not checks).</summary>
    public static bool Passed(IReadOnlyList<CollectionRun> runs) => runs.All(r => r.ChargedTwice == 0 && Collected(r));

    private static bool Collected(CollectionRun run) =>
        run.Finished && run.Collected == run.Pledges && run.WrongAmount == 0 && run.Uncharged == 0 && run.ChargedTwice == 0;

    private static void Verdict(string target, bool met) => Console.WriteLine($"  [{(met ? "met" : "MISSED")}] {target}");
}
