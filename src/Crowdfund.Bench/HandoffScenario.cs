using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crowdfund.StripeEmulator;
using Dapper;
using Npgsql;

namespace Crowdfund.Bench;

/// <summary>What the handoff scenario measured.</summary>
/// <param name="Orders">Collected pledges seeded, each of which must become one order.</param>
/// <param name="NotOrders">Dropped, cancelled and refunded pledges seeded beside them, which must not.</param>
/// <param name="FreezeSeconds">The team's GET of the fulfilment once the lock has passed: the freeze, and the view it answers.</param>
/// <param name="PushSeconds">From the freeze's answer to every batch marked delivered in the database.</param>
/// <param name="RssStart">The host's RSS just before the freeze; peak is sampled every 100 ms through freeze and push.</param>
/// <param name="RssAfter">The RSS 3 s after the last batch was delivered.</param>
/// <param name="Requests">Webhook requests that reached the receiver.</param>
/// <param name="Keys">Distinct Idempotency-Keys among them (the partner processes each once).</param>
/// <param name="ReceivedOrders">Orders in the bodies processed (first request of each key).</param>
/// <param name="DistinctOrders">Distinct order references among them.</param>
internal sealed record HandoffRun(int Orders, int NotOrders, double SeedSeconds, int Batches, double FreezeSeconds, double PushSeconds,
    double RssStart, double RssPeak, double RssAfter, double HeapAfterMiB, int Delivered, int Requests, int Keys, int BadSignatures,
    int ReceivedOrders, int DistinctOrders, CsvExport AllBatches, CsvExport Large, IReadOnlyList<CsvExport> LargeAgain)
{
    /// <summary>The RSS growth over the three pulls of the large batch, from before the first to the highest peak.</summary>
    public double LargeGrowth => LargeAgain.Append(Large).Max(e => e.RssPeak) - Large.RssBefore;
}

/// <summary>One CSV export: batches pulled one after the other, the rows read, and the host's RSS meanwhile.</summary>
internal sealed record CsvExport(int Batches, long Rows, long Bytes, double Seconds, bool HeadersOk, double RssBefore,
    double RssPeak, double RssAfter)
{
    public double RowsPerSecond => Rows / Seconds;

    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;

    public double Growth => RssPeak - RssBefore;
}

/// <summary>
/// The handoff to the partner after collection: <c>pledges</c> collected pledges (five countries, three tiers, one of
/// them numbered) become orders frozen into batches of 250 per country, each POSTed, signed, to a partner receiver on
/// loopback inside this process; then every batch is pulled as CSV, and on a second host with one batch of every order,
/// that batch alone, to show the export's memory stays flat.
/// </summary>
/// <remarks>
/// Collection is not part of this: the end state of a collected campaign is seeded in SQL (the campaign Succeeded, its
/// pledges Collected for their total, edition numbers of the numbered tier, the collection run Finished), on a campaign
/// and tiers created through the team API. The freeze and the push run as in production, on the real host and its
/// outbox dispatcher with their default settings.
/// </remarks>
internal sealed class HandoffScenario(string root, string db, int port, NpgsqlDataSource data, int pledges)
{
    private static readonly string[] Countries = ["FR", "DE", "ES", "US", "CA"];
    private static readonly string[] CsvHeader =
    [
        "batch_id", "order_reference", "country", "backer_name", "address_line1", "address_line2", "postal_code", "city",
        "region", "sku", "quantity", "edition_numbers",
    ];

    public async Task<HandoffRun> RunAsync()
    {
        var webhookSecret = "whsec_bench_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using var stripe = await StripeEmulatorServer.StartAsync(new EmulatorOptions());
        await using var receiver = await LoopbackPartner.StartAsync();

        // 1. Batches of the default size, pushed through the outbox.
        var teamKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        HandoffRun run;
        await using (var host = await HostProcess.StartAsync(root, db, port, teamKey, Path.Combine(root, ".data", "bench-handoff-host.log"),
                         stripe, webhookSecret))
        {
            using var team = TeamClient(host.BaseUrl, teamKey);
            var slug = $"bench-handoff-{Guid.NewGuid():N}"[..26];
            var seeding = Stopwatch.StartNew();
            var notOrders = await SeedAsync(team, slug, Countries, withNumbered: true);
            var seedSeconds = seeding.Elapsed.TotalSeconds;
            var (apiKey, secret) = await PartnerAsync(team, slug, receiver.Url);
            receiver.Secret = secret;
            var lockAt = await LockSoonAsync(team, slug);

            using var sampling = new CancellationTokenSource();
            var rssStart = CollectionScenario.Rss(host.Pid);
            var peak = SamplePeakAsync(host.Pid, sampling.Token);
            var clock = Stopwatch.StartNew();
            var view = await GetJsonAsync(team, $"/team/v1/campaigns/{slug}/fulfilment");
            var freezeSeconds = clock.Elapsed.TotalSeconds;
            if (view.GetProperty("frozenAt").ValueKind == JsonValueKind.Null)
                throw new InvalidOperationException($"not frozen after the lock at {lockAt:O}: {view.GetProperty("waiting")}");
            var batches = view.GetProperty("batches").GetArrayLength();
            clock.Restart();
            var delivered = await WaitDeliveredAsync(slug, batches, TimeSpan.FromSeconds(120 + pledges / 500.0));
            var pushSeconds = clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            var rssPeak = Math.Max(rssStart, await peak);
            await Task.Delay(3000);
            var rssAfter = CollectionScenario.Rss(host.Pid);
            var heapAfter = (await GetJsonAsync(team, "/bench/memory")).GetProperty("heapBytes").GetInt64() / 1048576.0;

            var ids = view.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
            var all = await ExportAsync(host, apiKey, ids);
            var (requests, keys, bad, received, distinct) = receiver.Totals();
            run = new HandoffRun(pledges, notOrders, seedSeconds, batches, freezeSeconds, pushSeconds, rssStart, rssPeak, rssAfter,
                heapAfter, delivered, requests, keys, bad, received, distinct, all, Large: null!, LargeAgain: []);
        }

        // 2. One batch of every order, on a host of its own whose outbox stays off (only the pull is measured).
        teamKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await using (var host = await HostProcess.StartAsync(root, db, port, teamKey,
                         Path.Combine(root, ".data", "bench-handoff-large-host.log"), stripe, webhookSecret,
                         new Dictionary<string, string>
                         {
                             ["Crowdfund__Fulfilment__BatchSize"] = Math.Min(pledges, 100_000).ToString(),
                             ["Crowdfund__Outbox__Enabled"] = "false",
                         }))
        {
            using var team = TeamClient(host.BaseUrl, teamKey);
            var slug = $"bench-handoff-{Guid.NewGuid():N}"[..26];
            await SeedAsync(team, slug, ["US"], withNumbered: false);
            var (apiKey, _) = await PartnerAsync(team, slug, receiver.Url);
            await LockSoonAsync(team, slug);
            var view = await GetJsonAsync(team, $"/team/v1/campaigns/{slug}/fulfilment");
            var ids = view.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
            if (ids.Count != 1) throw new InvalidOperationException($"{ids.Count} batches, not one");
            // Let the freeze's garbage settle, so that the growth measured is the export's.
            await Task.Delay(3000);
            // Pulled three times: memory that stays flat does not climb with the bytes streamed.
            var large = await ExportAsync(host, apiKey, ids);
            run = run with { Large = large, LargeAgain = [await ExportAsync(host, apiKey, ids), await ExportAsync(host, apiKey, ids)] };
        }
        return run;
    }

    private static HttpClient TeamClient(string baseUrl, string key) => new()
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = TimeSpan.FromMinutes(10),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    /// <summary>
    /// A draft campaign in the given countries with its tiers, through the team API; then, in SQL, the state collection
    /// leaves: the campaign Succeeded, the pledges Collected (plus 2 % that are not: dropped, cancelled, refunded), the
    /// numbered tier's edition numbers, the run Finished. Returns the pledges that must not become orders.
    /// </summary>
    private async Task<int> SeedAsync(HttpClient team, string slug, string[] countries, bool withNumbered)
    {
        var settings = new Dictionary<string, object>
        {
            ["FR"] = new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true },
            ["DE"] = new { country = "DE", currency = "EUR", taxRateBasisPoints = 1900, pricesIncludeTax = true },
            ["ES"] = new { country = "ES", currency = "EUR", taxRateBasisPoints = 2100, pricesIncludeTax = true },
            ["US"] = new { country = "US", currency = "USD", taxRateBasisPoints = 0, pricesIncludeTax = false },
            ["CA"] = new { country = "CA", currency = "CAD", taxRateBasisPoints = 1300, pricesIncludeTax = false },
        };
        await EnsureAsync(await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Bench handoff", product = "Retro phone", goalUnits = 500, deadline = DateTimeOffset.UtcNow.AddDays(30),
            countries = countries.Select(c => settings[c]).ToArray(),
        }));
        var shipping = countries.ToDictionary(c => c, c => c is "US" or "CA" ? 1500L : 900L);
        var tiers = new List<(string Id, object Body)>
        {
            ("standard", new { name = "Standard", prices = new { EUR = 9900, USD = 10900, CAD = 14900 }, maxPerBacker = 2,
                shipsTo = countries, shipping, estimatedDelivery = "2027-10", sku = "RETRO-PHONE" }),
            ("duo", new { name = "Duo pack", prices = new { EUR = 17900, USD = 19900, CAD = 26900 }, unitsPerReward = 2,
                maxPerBacker = 1, shipsTo = countries, shipping, estimatedDelivery = "2027-10", sku = "RETRO-PHONE" }),
        };
        if (withNumbered)
            tiers.Add(("founders", new { name = "Founders edition", prices = new { EUR = 7900, USD = 8900, CAD = 11900 },
                limit = pledges, maxPerBacker = 1, shipsTo = countries, shipping, estimatedDelivery = "2027-09",
                numberedEdition = true, sku = "RETRO-PHONE-FOUNDERS" }));
        foreach (var (id, body) in tiers)
            await EnsureAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/{id}", body));

        var notOrders = pledges / 50;
        await using var connection = await data.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Pledge i: its country by i, a founders edition every 20th (when there is one), a duo pack every 4th, otherwise
        // one or two standard phones; confirmed a millisecond apart, so that batches follow the order of confirmation.
        await connection.ExecuteAsync("""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping, tax,
                                 total, backer_name, backer_email, shipping_address, token_hash, idempotency_key, request_hash,
                                 created_at, confirmed_at, updated_at, version, locale, setup_attempt, card_attempt,
                                 customer_id, payment_method_id, charge_attempt, collected_amount, collected_at)
            SELECT gen_random_uuid(), @slug, s.tier, s.country, s.quantity, s.quantity * s.per_reward,
                   CASE WHEN s.i <= @pledges THEN 'Collected'
                        ELSE (ARRAY['Dropped', 'Cancelled', 'Refunded'])[s.i % 3 + 1] END,
                   s.currency, s.price * s.quantity, s.ship, 0, s.price * s.quantity + s.ship,
                   'Backer ' || s.i, 'backer-' || s.i || '@example.com',
                   jsonb_build_object('line1', s.i || ' Main Street', 'line2', CASE WHEN s.i % 10 = 0 THEN 'Apt. 4, "B"' END,
                                      'city', 'Springfield', 'region', CASE s.country WHEN 'US' THEN 'IL' WHEN 'CA' THEN 'ON' END,
                                      'postalCode', CASE s.country WHEN 'DE' THEN '10117' WHEN 'ES' THEN '28001' WHEN 'US' THEN '62701'
                                                                   WHEN 'CA' THEN 'K1A 0B1' ELSE '75002' END),
                   sha256(convert_to('token-' || s.i, 'UTF8')), 'seed-' || s.i, sha256(convert_to('body-' || s.i, 'UTF8')),
                   now() - interval '3 days', now() - interval '3 days' + s.i * interval '1 millisecond', now(), 3,
                   CASE s.country WHEN 'FR' THEN 'fr-FR' WHEN 'DE' THEN 'de-DE' WHEN 'ES' THEN 'es-ES' ELSE 'en-' || s.country END,
                   1, 1, 'cus_seed_' || s.i, 'pm_seed_' || s.i, 1,
                   CASE WHEN s.i <= @pledges THEN s.price * s.quantity + s.ship ELSE 0 END,
                   CASE WHEN s.i <= @pledges THEN now() - interval '1 day' END
              FROM (SELECT g.i, c.country, t.tier, t.per_reward, t.quantity,
                           CASE c.country WHEN 'US' THEN 'USD' WHEN 'CA' THEN 'CAD' ELSE 'EUR' END AS currency,
                           CASE c.country WHEN 'US' THEN t.usd WHEN 'CA' THEN t.cad ELSE t.eur END AS price,
                           CASE WHEN c.country IN ('US', 'CA') THEN 1500 ELSE 900 END AS ship
                      FROM generate_series(1, @pledges + @notOrders) AS g(i)
                      CROSS JOIN LATERAL (SELECT (@countries::text[])[g.i % cardinality(@countries::text[]) + 1] AS country) c
                      CROSS JOIN LATERAL (SELECT * FROM (VALUES
                          (1, 'founders', 1, 1, 7900, 8900, 11900, @numbered AND g.i % 20 = 0),
                          (2, 'duo', 2, 1, 17900, 19900, 26900, g.i % 4 = 1),
                          (3, 'standard', 1, 1 + (g.i % 7 = 0)::int, 9900, 10900, 14900, true))
                          AS v(rank, tier, per_reward, quantity, eur, usd, cad, chosen)
                          WHERE v.chosen ORDER BY v.rank LIMIT 1) t) s;

            INSERT INTO edition_numbers (campaign_id, tier_id, pledge_id, first_number, last_number)
            SELECT campaign_id, tier_id, id, (n - quantity + 1)::int, n::int
              FROM (SELECT campaign_id, tier_id, id, quantity, sum(quantity) OVER (ORDER BY confirmed_at, id) AS n
                      FROM pledges WHERE campaign_id = @slug AND tier_id = 'founders' AND status = 'Collected') numbered;

            UPDATE campaigns SET status = 'Succeeded', launched_at = now() - interval '4 days', finished_at = now() - interval '2 days'
             WHERE id = @slug;
            INSERT INTO collection_runs (campaign_id, status, started_at, updated_at, finished_at)
            VALUES (@slug, 'Finished', now() - interval '2 days', now(), now() - interval '1 day');
            """, new { slug, pledges, notOrders, countries, numbered = withNumbered }, tx, commandTimeout: 600);
        await tx.CommitAsync();
        await connection.ExecuteAsync("ANALYZE pledges; ANALYZE edition_numbers;");
        return notOrders;
    }

    /// <summary>Registers the partner (the receiver's URL) and links it; its API key and signing secret.</summary>
    private static async Task<(string ApiKey, string Secret)> PartnerAsync(HttpClient team, string slug, string webhookUrl)
    {
        var id = "factory-" + slug[^8..];
        var answer = await team.PostAsJsonAsync("/team/v1/partners", new { id, name = "Bench factory", webhookUrl });
        await EnsureAsync(answer);
        var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        await EnsureAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/partner", new { partnerId = id }));
        return (json.GetProperty("apiKey").GetString()!, json.GetProperty("signingSecret").GetString()!);
    }

    /// <summary>
    /// The lock two seconds ahead (a lock already passed would freeze inside the PUT), and the wait until it passes:
    /// the GET that follows is the freeze.
    /// </summary>
    private static async Task<DateTimeOffset> LockSoonAsync(HttpClient team, string slug)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(2);
        await EnsureAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock", new { at }));
        await Task.Delay(at - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        return at;
    }

    /// <summary>Polls the batches' rows until each is delivered or patience runs out; the number delivered.</summary>
    private async Task<int> WaitDeliveredAsync(string slug, int batches, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        var delivered = 0;
        while (clock.Elapsed < patience)
        {
            await using (var connection = await data.OpenConnectionAsync())
            {
                delivered = await connection.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM order_batches WHERE campaign_id = @slug AND delivered_at IS NOT NULL", new { slug });
            }
            if (delivered >= batches) break;
            await Task.Delay(100);
        }
        return delivered;
    }

    /// <summary>The highest RSS of the process, sampled every 100 ms until stopped.</summary>
    private static async Task<double> SamplePeakAsync(int pid, CancellationToken stop)
    {
        var peak = 0.0;
        try
        {
            while (true)
            {
                peak = Math.Max(peak, CollectionScenario.Rss(pid));
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException)
        {
            return Math.Max(peak, CollectionScenario.Rss(pid));
        }
    }

    /// <summary>Pulls the batches as CSV one after the other, as a partner's import job would, counting rows and bytes.</summary>
    private static async Task<CsvExport> ExportAsync(HostProcess host, string apiKey, IReadOnlyList<string> ids)
    {
        using var http = new HttpClient
        {
            BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(10),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
        };
        var expected = Encoding.UTF8.GetBytes(string.Join(',', CsvHeader) + "\r\n");
        using var sampling = new CancellationTokenSource();
        var before = CollectionScenario.Rss(host.Pid);
        var peak = SamplePeakAsync(host.Pid, sampling.Token);
        var clock = Stopwatch.StartNew();
        long rows = 0, bytes = 0;
        var headersOk = true;
        var buffer = new byte[64 * 1024];
        foreach (var id in ids)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/partner/v1/batches/{id}");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await EnsureAsync(response);
            await using var body = await response.Content.ReadAsStreamAsync();
            // Rows are lines: the seeded names and addresses hold no line breaks. The first line must be the header.
            var head = new List<byte>();
            int read;
            long lines = 0;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                for (var i = 0; i < read && head.Count < expected.Length; i++) head.Add(buffer[i]);
            }
            headersOk &= head.SequenceEqual(expected);
            rows += lines - 1;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        var rssPeak = Math.Max(before, await peak);
        await Task.Delay(1000);
        return new CsvExport(ids.Count, rows, bytes, seconds, headersOk, before, rssPeak, CollectionScenario.Rss(host.Pid));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static void Print(HandoffRun run)
    {
        Console.WriteLine();
        Console.WriteLine($"Handoff: {run.Orders} collected pledges (FR, DE, ES, US, CA; standard, duo pack, numbered founders " +
            $"edition) and {run.NotOrders} dropped, cancelled or refunded, seeded in SQL as collection leaves them " +
            $"({run.SeedSeconds:0.0} s; collection itself is not measured here). The real host freezes them into batches of 250 " +
            "per country and its outbox pushes each, signed, to a partner receiver on loopback in this process; default outbox settings.");
        Console.WriteLine("| step | seconds | rate | host RSS before / peak during / after MiB | notes |");
        Console.WriteLine("|---|---:|---:|---|---|");
        Console.WriteLine($"| freeze (GET fulfilment after the lock) | {run.FreezeSeconds:0.00} | {run.Orders / run.FreezeSeconds:0} orders/s | " +
            $"{run.RssStart:0} / {run.RssPeak:0} / {run.RssAfter:0} (freeze and push) | {run.Batches} batches |");
        Console.WriteLine($"| push (all batches delivered) | {run.PushSeconds:0.00} | {run.Delivered / run.PushSeconds:0.0} batches/s, " +
            $"{run.ReceivedOrders / run.PushSeconds:0} orders/s |  | {run.Delivered} of {run.Batches} delivered; managed heap after {run.HeapAfterMiB:0} MiB |");
        foreach (var (name, csv) in new[] { ("CSV export, every batch", run.AllBatches), ($"CSV export, one batch of {run.Orders} orders", run.Large) })
            Console.WriteLine($"| {name} | {csv.Seconds:0.00} | {csv.RowsPerSecond:0} rows/s, {csv.MegabytesPerSecond:0.0} MB/s | " +
                $"{csv.RssBefore:0} / {csv.RssPeak:0} / {csv.RssAfter:0} | {csv.Batches} requests, {csv.Rows} rows, {csv.Bytes / 1e6:0.0} MB |");
        Console.WriteLine($"  receiver: {run.Requests} requests, {run.Keys} distinct Idempotency-Keys, {run.BadSignatures} bad signatures; " +
            $"{run.ReceivedOrders} orders in the batches processed, {run.DistinctOrders} distinct references");
        Verdict("every collected pledge delivered as an order exactly once (orders received = seeded, distinct, none of the others)",
            OrdersOnce(run));
        Verdict("every signature valid; each batch processed once (one Idempotency-Key per batch, every batch delivered)", Signed(run));
        Verdict($"the CSV of every batch has its header row and one row per order, twice", CsvComplete(run));
        Verdict($"freeze of the orders within {FreezeTarget(run.Orders):0} s (1 s per 5,000 orders, at least 5 s)",
            run.FreezeSeconds <= FreezeTarget(run.Orders));
        Verdict($"every batch delivered within {PushTarget(run.Orders):0} s of the freeze (1 s per 2,000 orders, at least 10 s)",
            run.PushSeconds <= PushTarget(run.Orders));
        Verdict($"host RSS growth during freeze and push under {PushGrowthMiB} MiB", run.RssPeak - run.RssStart < PushGrowthMiB);
        Verdict($"CSV export >= {CsvRowsPerSecond} rows/s, every batch and the single large one",
            run.AllBatches.RowsPerSecond >= CsvRowsPerSecond && run.Large.RowsPerSecond >= CsvRowsPerSecond);
        Console.WriteLine($"  the {run.Orders}-order CSV pulled twice more: {string.Join(", ", run.LargeAgain.Select(e =>
            $"{e.Seconds:0.00} s, {e.RowsPerSecond:0} rows/s, RSS {e.RssBefore:0} / {e.RssPeak:0} / {e.RssAfter:0} MiB"))}");
        Verdict($"flat memory: host RSS growth over three pulls of the {run.Orders}-order CSV ({3 * run.Large.Bytes / 1048576.0:0} MiB " +
            $"streamed) under {CsvGrowthMiB} MiB (it grew {run.LargeGrowth:0.0})", run.LargeGrowth < CsvGrowthMiB);
    }

    private const double PushGrowthMiB = 128;
    private const double CsvGrowthMiB = 32;
    private const double CsvRowsPerSecond = 20_000;

    private static double FreezeTarget(int orders) => Math.Max(5, orders / 5000.0);

    private static double PushTarget(int orders) => Math.Max(10, orders / 2000.0);

    private static bool OrdersOnce(HandoffRun run) => run.ReceivedOrders == run.Orders && run.DistinctOrders == run.Orders;

    private static bool Signed(HandoffRun run) =>
        run.BadSignatures == 0 && run.Keys == run.Batches && run.Delivered == run.Batches;

    private static bool CsvComplete(HandoffRun run) =>
        run.AllBatches.HeadersOk && run.AllBatches.Rows == run.Orders && run.Large.HeadersOk && run.Large.Rows == run.Orders
        && run.LargeAgain.All(e => e.HeadersOk && e.Rows == run.Orders);

    /// <summary>True when every check holds (times, rates and memory are targets, not checks).</summary>
    public static bool Passed(HandoffRun run) => OrdersOnce(run) && Signed(run) && CsvComplete(run);

    private static void Verdict(string target, bool met) => Console.WriteLine($"  [{(met ? "met" : "MISSED")}] {target}");
}

/// <summary>
/// The partner's webhook endpoint on loopback (Kestrel in this process), written from the README's scheme: it checks
/// <c>Crowdfund-Signature</c> (HMAC-SHA256 of "{t}.{body}" under the signing secret, at most five minutes old), answers
/// 200, and processes the first valid request of each Idempotency-Key: it counts the orders of that batch.
/// </summary>
internal sealed class LoopbackPartner : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> ordersByKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> references = new(StringComparer.Ordinal);
    private int requests, bad;

    private LoopbackPartner(WebApplication app, string url) => (this.app, Url) = (app, url);

    public string Url { get; }

    public string Secret { get; set; } = "";

    public static async Task<LoopbackPartner> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        LoopbackPartner? partner = null;
        app.Run(context => partner!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        partner = new LoopbackPartner(app, address.TrimEnd('/') + "/crowdfund/webhooks");
        return partner;
    }

    /// <summary>Requests, distinct keys, bad signatures, orders in the batches processed, distinct order references.</summary>
    public (int Requests, int Keys, int Bad, int Orders, int DistinctOrders) Totals() =>
        (Volatile.Read(ref requests), ordersByKey.Count, Volatile.Read(ref bad), ordersByKey.Values.Sum(),
            references.Count);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (!Verifies(context.Request.Headers["Crowdfund-Signature"].ToString(), body, Secret, DateTimeOffset.UtcNow))
        {
            Interlocked.Increment(ref bad);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        // Processed once: a repeat of a key is answered 200 and ignored.
        if (key.Length > 0 && ordersByKey.TryAdd(key, 0))
        {
            using var json = JsonDocument.Parse(body);
            var orders = json.RootElement.GetProperty("data").GetProperty("orders");
            foreach (var order in orders.EnumerateArray())
            {
                references.TryAdd(order.GetProperty("reference").GetString()!, 0);
            }
            ordersByKey[key] = orders.GetArrayLength();
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>The documented check, step by step, as a partner would write it in any language.</summary>
    private static bool Verifies(string header, byte[] body, string secret, DateTimeOffset now)
    {
        string? timestamp = null, signature = null;
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t") timestamp = pair[1];
            else if (pair[0] == "v1") signature = pair[1];
        }
        if (timestamp is null || signature is null || !long.TryParse(timestamp, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > TimeSpan.FromMinutes(5)) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
