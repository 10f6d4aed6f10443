using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.StripeEmulator;
using Dapper;
using Npgsql;

namespace Crowdfund.Bench;

/// <summary>What the card-setup scenario measured.</summary>
/// <param name="Seconds">How long Stripe was being called: from before its first call to after its last, in quarter seconds.</param>
/// <param name="StripeRequests">Requests the emulator received with the secret key in that time.</param>
/// <param name="Unready">Setups not ready when the scenario gave up waiting.</param>
internal sealed record CardRun(int Backers, double Seconds, long StripeRequests, long StripeRateLimited, double Limit,
    int BackerTooMany, int BackerUnavailable, int Unready, int Expired, int Confirmed, double LongestWaitSeconds);

/// <summary>
/// Saving cards after a launch rush, end to end: every backer reserves at once, then asks for a card setup, waits
/// their turn (the answer says their place), confirms the card at Stripe (the emulator, at its default rate limit of
/// 100 requests a second for the account) as a browser would, and is confirmed by Stripe's webhook. The provider is
/// the bottleneck by design: the figure is how much of its rate the host uses, and what backers see meanwhile.
/// </summary>
internal sealed class CardScenario(string baseUrl, Team team, StripeEmulatorServer stripe, NpgsqlDataSource db, int backers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public async Task<CardRun> RunAsync()
    {
        var slug = $"bench-cards-{Guid.NewGuid():N}"[..24];
        await team.LaunchAsync(slug, "early", 1_000_000);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
        {
            BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30),
        };

        var pledges = new ConcurrentBag<(string Id, string Token)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, backers), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var created = await http.SendAsync(Post($"/v1/campaigns/{slug}/pledges", $"cards-{slug}-{i}", new
            {
                tierId = "early", quantity = 1, country = "FR",
                backer = new { name = "Ada Lovelace", email = $"backer-{i}-{slug}@example.com" },
                shippingAddress = new { line1 = "1 rue de la Paix", city = "Paris", postalCode = "75002" },
            }));
            var json = await JsonAsync(created);
            pledges.Add((json.GetProperty("id").GetString()!, json.GetProperty("token").GetString()!));
        });

        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(clock, sampling.Token);
        var tooMany = 0;
        var unavailable = 0;
        var waits = new ConcurrentBag<double>();
        var ready = new ConcurrentBag<(string Id, JsonElement Setup)>();
        using var patience = new CancellationTokenSource(Patience);
        // Every backer at once, as after a rush (512 connections carry them): the host answers each within a couple of
        // seconds, with a place in line, and the line holds them all.
        await Parallel.ForEachAsync(pledges, new ParallelOptions { MaxDegreeOfParallelism = backers }, async (pledge, _) =>
        {
            var asked = clock.Elapsed;
            var answer = await http.SendAsync(WithToken(HttpMethod.Post, $"/v1/pledges/{pledge.Id}/payment-setup", pledge.Token));
            while (!patience.IsCancellationRequested)
            {
                if (answer.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref tooMany);
                if (answer.StatusCode == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref unavailable);
                if (answer.IsSuccessStatusCode)
                {
                    var setup = await JsonAsync(answer);
                    if (setup.GetProperty("status").GetString() != "Queued")
                    {
                        ready.Add((pledge.Id, setup));
                        waits.Add((clock.Elapsed - asked).TotalSeconds);
                        return;
                    }
                    // A page asks again about halfway through its estimate, every second at most.
                    var estimate = setup.TryGetProperty("queue", out var queue) && queue.ValueKind == JsonValueKind.Object
                        ? queue.GetProperty("estimatedSeconds").GetInt32() : 1;
                    await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(estimate / 2.0, 1, 5)));
                }
                else
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
                answer = await http.SendAsync(WithToken(HttpMethod.Get, $"/v1/pledges/{pledge.Id}/payment-setup", pledge.Token));
            }
        });
        await sampling.CancelAsync();
        var (busySeconds, busyRequests, limited) = Busy(await sampler);

        // The browsers confirm at Stripe with the publishable key (its own rate, as Stripe.js's calls are).
        using var browser = new HttpClient { BaseAddress = new Uri(stripe.BaseUrl) };
        await Parallel.ForEachAsync(ready, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (r, _) =>
        {
            // Stripe limits the publishable key too; a browser told to wait tries again, as Stripe.js's caller would.
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var confirmed = await browser.PostAsync($"/v1/setup_intents/{r.Setup.GetProperty("setupIntentId").GetString()}/confirm",
                    new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["key"] = r.Setup.GetProperty("publishableKey").GetString()!,
                        ["client_secret"] = r.Setup.GetProperty("clientSecret").GetString()!,
                        ["payment_method"] = "pm_card_visa",
                    }));
                if (confirmed.StatusCode != HttpStatusCode.TooManyRequests) return;
                await Task.Delay(200);
            }
        });
        var (confirmed, expired) = await SettledAsync(slug, ready.Count);
        return new CardRun(backers, busySeconds, busyRequests, limited, stripe.RequestsPerSecond, tooMany, unavailable,
            backers - ready.Count, expired, confirmed, waits.IsEmpty ? 0 : waits.Max());
    }

    /// <summary>The emulator's counts every quarter second while the setups drain.</summary>
    private async Task<List<(TimeSpan At, EmulatorStats Stats)>> SampleAsync(Stopwatch clock, CancellationToken stop)
    {
        var samples = new List<(TimeSpan, EmulatorStats)> { (clock.Elapsed, stripe.Stats()) };
        try
        {
            while (true)
            {
                await Task.Delay(250, stop);
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
    /// The stretch in which Stripe was being called: from the last sample before the first call to the first sample
    /// after the last one. The ramp-up of the backers' requests and the wait for the last answers fall outside it.
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

    /// <summary>Waits for Stripe's webhooks to confirm the saved cards; the confirmed and expired pledges then.</summary>
    private async Task<(int Confirmed, int Expired)> SettledAsync(string slug, int expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync();
            var (confirmed, expired) = await connection.QuerySingleAsync<(int, int)>("""
                SELECT count(*) FILTER (WHERE status = 'Confirmed')::int, count(*) FILTER (WHERE status = 'Expired')::int
                  FROM pledges WHERE campaign_id = @slug
                """, new { slug });
            if (confirmed >= expected || deadline.Elapsed > Patience) return (confirmed, expired);
            await Task.Delay(500);
        }
    }

    public static void Print(CardRun run)
    {
        var callsPerSecond = run.StripeRequests / run.Seconds;
        Console.WriteLine();
        Console.WriteLine($"Card setups: {run.Backers} backers at once, Stripe emulator at its default limit of {run.Limit:0} requests/s.");
        Console.WriteLine($"  {run.Backers - run.Unready} setups ready; Stripe called for {run.Seconds:0.0} s = " +
            $"{(run.Backers - run.Unready) / run.Seconds:0.0} setups/s (a customer and a setup each: two calls); " +
            $"the longest wait for a backer {run.LongestWaitSeconds:0.0} s");
        Console.WriteLine($"  Stripe calls {callsPerSecond:0.0}/s = {100 * callsPerSecond / run.Limit:0.0} % of the limit; " +
            $"{run.StripeRateLimited} refused by Stripe for the rate");
        Console.WriteLine($"  backers answered 429: {run.BackerTooMany}, 503: {run.BackerUnavailable}; reservations expired while waiting: " +
            $"{run.Expired}; confirmed by webhook: {run.Confirmed}");
        Verdict("Stripe calls >= 95 % of the rate limit", callsPerSecond / run.Limit >= 0.95);
        Verdict("zero reservations expired while waiting, zero 429s seen by backers, every card confirmed",
            run.Expired == 0 && run.BackerTooMany == 0 && run.Unready == 0 && run.Confirmed == run.Backers);
    }

    /// <summary>True when every check of the run holds (the rate share is a target, not a check).</summary>
    public static bool Passed(CardRun run) =>
        run.Expired == 0 && run.BackerTooMany == 0 && run.Unready == 0 && run.Confirmed == run.Backers;

    private static void Verdict(string target, bool met) => Console.WriteLine($"  [{(met ? "met" : "MISSED")}] {target}");

    private static HttpRequestMessage Post(string path, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static HttpRequestMessage WithToken(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
