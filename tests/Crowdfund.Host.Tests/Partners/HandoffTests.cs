using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crowdfund.Testing;
using Dapper;
using Npgsql;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>
/// From collected pledges to the factory: the address lock, the freeze into batches, the signed push to a real
/// receiver on loopback, the pull as JSON and CSV, acknowledgements, and a receiver that was down.
/// </summary>
public sealed class HandoffTests
{
    private MoneyHost host = null!;

    [OneTimeSetUp]
    public async Task Start() => host = await MoneyHost.StartAsync(settings =>
    {
        // Small batches, so that one country needs several; quick outbox turns, so that a receiver back is served soon.
        settings["Crowdfund:Fulfilment:BatchSize"] = "2";
        // The handoff's reminder does not come within a test: what a test sees happen was asked for, not a tick's.
        settings["Crowdfund:Fulfilment:CheckPeriod"] = "01:00:00";
        settings["Crowdfund:Outbox:Backoff"] = "00:00:00.200";
        settings["Crowdfund:Outbox:MaxBackoff"] = "00:00:01";
        settings["Crowdfund:Outbox:RetryDelay"] = "00:00:00.050";
        settings["Crowdfund:Outbox:MaxRetryDelay"] = "00:00:00.100";
        settings["Crowdfund:Outbox:BreakDuration"] = "00:00:01";
        // With turns this quick, the default 25 failed turns would park a row within seconds of the receiver going down.
        settings["Crowdfund:Outbox:MaxAttempts"] = "1000";
    });

    [OneTimeTearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task Every_collected_pledge_is_in_exactly_one_batch_pushed_signed_once_and_pulled_alike_as_json_and_csv()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        using var team = host.Team();
        var slug = await host.LaunchAsync("handoff", goalUnits: 2);
        var partner = await TestPartners.RegisterAsync(team, "factory", receiver.Url, slug);
        receiver.Secret = partner.SigningSecret;
        var french = new[] { await host.PledgeAsync(slug, "FR"), await host.PledgeAsync(slug, "FR"), await host.PledgeAsync(slug, "FR") };
        var german = await host.PledgeAsync(slug, "DE", tierId: "early", quantity: 2);
        var canadian = await host.PledgeAsync(slug, "CA");
        var cancelled = await host.PledgeAsync(slug, "US");
        using (var client = host.Client())
            Assert.That((await client.SendAsync(Http.WithToken(HttpMethod.Delete, $"/v1/pledges/{cancelled.Id}", cancelled.Token))).IsSuccessStatusCode);
        await host.EndAsync(slug);
        await host.CollectionAsync(slug);
        var collected = french.Append(german).Append(canadian).ToList();

        var lockAt = host.Clock.GetUtcNow().AddDays(1);
        var waiting = await Http.JsonAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock", new { at = lockAt }));
        Assert.That(waiting.GetProperty("waiting").GetString(), Is.EqualTo("the address lock has not passed"));
        Assert.That(waiting.GetProperty("batches").GetArrayLength(), Is.Zero);
        var corrected = new { line1 = "5, avenue Foch", city = "Paris", postalCode = "75116" };
        Assert.That((await CorrectAsync(french[0], corrected)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Http.AssertProblemAsync(await CorrectAsync(french[1], new { line1 = "x", city = "Paris", postalCode = "1234" }),
            422, "validation-failed");

        host.Clock.Advance(TimeSpan.FromDays(2));
        await Http.AssertProblemAsync(await CorrectAsync(french[1], corrected), 409, "address-locked");
        var frozen = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment"));
        Assert.That(frozen.GetProperty("frozenAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        var batchIds = frozen.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
        Assert.That(batchIds, Is.EquivalentTo(new[] { $"{slug}-ca-0001", $"{slug}-de-0001", $"{slug}-fr-0001", $"{slug}-fr-0002" }));
        await Http.AssertProblemAsync(await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock",
            new { at = lockAt.AddDays(5) }), 409, "address-locked");

        // Pushed: each batch processed once, every signature valid by the documented scheme, every order in one batch.
        await Eventually.Until(() => Task.FromResult(Batches(receiver.Processed).Count == batchIds.Count), "every batch pushed");
        Assert.That(receiver.All.All(r => r.Valid));
        var pushed = Batches(receiver.Processed).ToDictionary(r => r.Key, r => r.Data);
        Assert.That(pushed.Keys, Is.EquivalentTo(batchIds));
        var references = pushed.Values.SelectMany(d => d.GetProperty("orders").EnumerateArray())
            .Select(o => o.GetProperty("reference").GetString()!).ToList();
        var orders = await OrdersAsync(slug);
        Assert.That(references, Is.Unique);
        Assert.That(references, Is.EquivalentTo(orders.Values));
        Assert.That(orders.Keys, Is.EquivalentTo(collected.Select(b => Guid.Parse(b.Id))), "collected pledges only, no cancelled one");

        var germanOrder = Order(pushed.Values, orders[Guid.Parse(german.Id)]);
        var line = germanOrder.GetProperty("lines")[0];
        Assert.That(line.GetProperty("sku").GetString(), Is.EqualTo("EARLY"));
        Assert.That(line.GetProperty("quantity").GetInt32(), Is.EqualTo(2));
        Assert.That(line.GetProperty("editionNumbers").EnumerateArray().Select(n => n.GetInt32()), Is.EqualTo(new[] { 1, 2 }));
        var correctedOrder = Order(pushed.Values, orders[Guid.Parse(french[0].Id)]);
        Assert.That(correctedOrder.GetProperty("shippingAddress").GetProperty("line1").GetString(), Is.EqualTo("5, avenue Foch"));
        var fr1 = pushed[$"{slug}-fr-0001"];
        Assert.That(fr1.GetProperty("orderCount").GetInt32(), Is.EqualTo(2));
        Assert.That(fr1.GetProperty("skuUnits").GetProperty("RETRO-PHONE").GetInt32(), Is.EqualTo(2));
        Assert.That(fr1.GetProperty("partnerId").GetString(), Is.EqualTo(partner.Id));

        // Pulled: the same orders and totals as JSON and as CSV.
        using var partnerClient = partner.Client(host.BaseAddress);
        foreach (var id in batchIds)
        {
            var json = await Http.JsonAsync(await partnerClient.GetAsync($"/partner/v1/batches/{id}"));
            Assert.That(json.GetProperty("orders").GetRawText(), Is.EqualTo(pushed[id].GetProperty("orders").GetRawText()));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/partner/v1/batches/{id}");
            request.Headers.Accept.ParseAdd("text/csv");
            var csvResponse = await partnerClient.SendAsync(request);
            Assert.That(csvResponse.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
            var csv = ParseCsv(await csvResponse.Content.ReadAsStringAsync());
            Assert.That(csv[0], Is.EqualTo(new[] { "batch_id", "order_reference", "country", "backer_name", "address_line1",
                "address_line2", "postal_code", "city", "region", "sku", "quantity", "edition_numbers" }));
            var rows = csv.Skip(1).ToList();
            var jsonUnits = json.GetProperty("orders").EnumerateArray().SelectMany(o => o.GetProperty("lines").EnumerateArray())
                .GroupBy(l => l.GetProperty("sku").GetString()!).ToDictionary(g => g.Key, g => g.Sum(l => l.GetProperty("quantity").GetInt32()));
            var csvUnits = rows.GroupBy(r => r[9]).ToDictionary(g => g.Key, g => g.Sum(r => int.Parse(r[10], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(csvUnits, Is.EquivalentTo(jsonUnits));
            Assert.That(rows.Select(r => r[1]).Distinct().Count(), Is.EqualTo(json.GetProperty("orderCount").GetInt32()));
            Assert.That(rows.All(r => r[0] == id));
        }
        var correctedRow = (await CsvOfAsync(partnerClient, $"{slug}-fr-0001")).SingleOrDefault(r => r[1] == orders[Guid.Parse(french[0].Id)])
                           ?? (await CsvOfAsync(partnerClient, $"{slug}-fr-0002")).Single(r => r[1] == orders[Guid.Parse(french[0].Id)]);
        Assert.That(correctedRow[4], Is.EqualTo("5, avenue Foch"), "a field with a comma survives the CSV's quoting");

        // Listing: cursor pages of 3 cover every batch once; the status filter.
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Http.JsonAsync(await partnerClient.GetAsync($"/partner/v1/batches?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}"));
            listed.AddRange(page.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next").GetString();
        } while (cursor is not null);
        Assert.That(listed.Where(batchIds.Contains), Is.EqualTo(batchIds.Order(StringComparer.Ordinal)));

        // Acknowledged once, again without change; another partner neither reads nor acknowledges it.
        var first = await Http.JsonAsync(await partnerClient.PostAsync($"/partner/v1/batches/{slug}-fr-0001/ack", null));
        var again = await Http.JsonAsync(await partnerClient.PostAsync($"/partner/v1/batches/{slug}-fr-0001/ack", null));
        Assert.That(first.GetProperty("status").GetString(), Is.EqualTo("Acknowledged"));
        Assert.That(again.GetProperty("acknowledgedAt").GetString(), Is.EqualTo(first.GetProperty("acknowledgedAt").GetString()));
        var acknowledged = await Http.JsonAsync(await partnerClient.GetAsync("/partner/v1/batches?status=acknowledged"));
        Assert.That(acknowledged.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()),
            Is.EqualTo(new[] { $"{slug}-fr-0001" }));
        // The backers see it: every order reached the factory; those of the acknowledged batch were acknowledged.
        var inAcknowledged = pushed[$"{slug}-fr-0001"].GetProperty("orders").EnumerateArray()
            .Select(o => o.GetProperty("reference").GetString()).ToHashSet();
        foreach (var backer in french)
        {
            var order = (await host.PledgeViewAsync(backer)).GetProperty("order");
            Assert.That(order.GetProperty("sentToFactoryAt").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(order.GetProperty("acknowledgedByFactoryAt").ValueKind,
                Is.EqualTo(inAcknowledged.Contains(order.GetProperty("reference").GetString()) ? JsonValueKind.String : JsonValueKind.Null));
        }
        var rival = await TestPartners.RegisterAsync(team, "rival", "https://127.0.0.1:9/rival");
        using var rivalClient = rival.Client(host.BaseAddress);
        await Http.AssertProblemAsync(await rivalClient.GetAsync($"/partner/v1/batches/{slug}-fr-0001"), 404, "batch-not-found");
        await Http.AssertProblemAsync(await rivalClient.PostAsync($"/partner/v1/batches/{slug}-fr-0002/ack", null), 404, "batch-not-found");
        Assert.That((await Http.JsonAsync(await rivalClient.GetAsync("/partner/v1/batches"))).GetProperty("items").GetArrayLength(), Is.Zero);

        // The team's pipeline per country.
        var view = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment"));
        var fr = view.GetProperty("countries").EnumerateArray().Single(c => c.GetProperty("country").GetString() == "FR");
        Assert.That((fr.GetProperty("orders").GetInt32(), fr.GetProperty("batched").GetInt32(), fr.GetProperty("delivered").GetInt32(),
            fr.GetProperty("acknowledged").GetInt32()), Is.EqualTo((3, 3, 3, 2)));
    }

    [Test]
    public async Task A_receiver_down_for_a_while_processes_each_batch_once_and_an_unacknowledged_batch_is_sent_again_alike()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        using var team = host.Team();
        var slug = await host.LaunchAsync("down", goalUnits: 1);
        var partner = await TestPartners.RegisterAsync(team, "down", receiver.Url, slug);
        receiver.Secret = partner.SigningSecret;
        for (var i = 0; i < 5; i++) await host.PledgeAsync(slug, i % 2 == 0 ? "ES" : "US");
        await host.EndAsync(slug);
        await host.CollectionAsync(slug);
        await receiver.GoDownAsync();
        var batches = (await host.FreezeNowAsync(slug)).GetProperty("batches").GetArrayLength();
        Assert.That(batches, Is.EqualTo(3)); // ES: 3 orders in 2 batches of at most 2; US: 2 orders in 1
        await Eventually.Until(async () => await FailedRowsAsync(slug) == batches, "every delivery failing while the receiver is down");

        await receiver.ComeBackAsync();
        await Eventually.Until(() => Task.FromResult(Batches(receiver.Processed).Count == batches), "every batch once the receiver is back");
        Assert.That(receiver.All.All(r => r.Valid));

        // Not acknowledged within the timeout: sent again, as the same batch with the same bytes, processed once.
        var before = Batches(receiver.All).Count;
        host.Clock.Advance(TimeSpan.FromHours(25));
        await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment");
        await Eventually.Until(() => Task.FromResult(Batches(receiver.All).Count >= before + batches), "every batch sent again");
        Assert.That(Batches(receiver.Processed), Has.Count.EqualTo(batches));
        foreach (var resent in Batches(receiver.All).Skip(before))
            Assert.That(resent.Body, Is.EqualTo(receiver.Processed.Single(p => p.Key == resent.Key).Body));
        var view = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment"));
        Assert.That(view.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("sends").GetInt32()), Is.All.EqualTo(2));
    }

    [Test]
    public async Task A_pledge_disputed_at_the_freeze_is_left_out_and_goes_to_the_partner_in_a_batch_of_its_own_once_the_dispute_is_won()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        using var team = host.Team();
        var slug = await host.LaunchAsync("late", goalUnits: 1);
        var partner = await TestPartners.RegisterAsync(team, "late", receiver.Url, slug);
        receiver.Secret = partner.SigningSecret;
        var collected = await host.PledgeAsync(slug, "FR");
        var disputed = await host.PledgeAsync(slug, "FR", card: "pm_card_createDispute");
        await host.EndAsync(slug);
        await host.CollectionAsync(slug);
        await host.StatusAsync(disputed, "Disputed");

        var frozen = await host.FreezeNowAsync(slug);
        Assert.That(frozen.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("id").GetString()), Is.EqualTo(new[] { $"{slug}-fr-0001" }));
        Assert.That((await OrdersAsync(slug)).Keys, Is.EqualTo(new[] { Guid.Parse(collected.Id) }), "the money of a disputed pledge is not settled");
        await Eventually.Until(() => Task.FromResult(Batches(receiver.Processed).Count == 1), "the frozen batch pushed");

        var dispute = host.Emulator.Disputes().Single(d => host.Emulator.Charges().Any(c => c.Id == d.ChargeId && c.Metadata.GetValueOrDefault("pledge_id") == disputed.Id));
        host.Emulator.CloseDispute(dispute.Id, won: true);
        await host.StatusAsync(disputed, "Collected");

        await Eventually.Until(() => Task.FromResult(Batches(receiver.Processed).Count == 2), "the late batch pushed");
        Assert.That(receiver.All.All(r => r.Valid));
        var late = Batches(receiver.Processed).Single(r => r.Key != $"{slug}-fr-0001");
        Assert.That(late.Key, Is.EqualTo($"{slug}-fr-0002"));
        var orders = await OrdersAsync(slug);
        Assert.That(late.Data.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("reference").GetString()),
            Is.EqualTo(new[] { orders[Guid.Parse(disputed.Id)] }));
        Assert.That(late.Data.GetProperty("orderCount").GetInt32(), Is.EqualTo(1));
        var pipeline = (await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment")))
            .GetProperty("countries").EnumerateArray().Single(c => c.GetProperty("country").GetString() == "FR");
        Assert.That(pipeline.GetProperty("orders").GetInt32(), Is.EqualTo(2));
        var view = await host.PledgeViewAsync(disputed);
        Assert.That(view.GetProperty("order").GetProperty("reference").GetString(), Is.EqualTo(orders[Guid.Parse(disputed.Id)]));
    }

    [Test]
    public async Task An_order_refunded_in_full_after_the_freeze_stays_in_its_batch_and_is_listed_for_the_team_to_tell_the_partner()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        using var team = host.Team();
        var slug = await host.LaunchAsync("attention", goalUnits: 1);
        var partner = await TestPartners.RegisterAsync(team, "attention", receiver.Url, slug);
        receiver.Secret = partner.SigningSecret;
        var kept = await host.PledgeAsync(slug, "DE");
        var refunded = await host.PledgeAsync(slug, "DE");
        await host.EndAsync(slug);
        await host.CollectionAsync(slug);
        var frozen = await host.FreezeNowAsync(slug);
        Assert.That(frozen.GetProperty("attention").GetArrayLength(), Is.Zero);

        Assert.That((await MoneyHost.RefundAsync(team, refunded, "attention-refund", null)).IsSuccessStatusCode);
        await host.StatusAsync(refunded, "Refunded");

        var view = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment"));
        var orders = await OrdersAsync(slug);
        var attention = view.GetProperty("attention").EnumerateArray().ToList();
        Assert.That(attention.Select(a => (a.GetProperty("reference").GetString(), a.GetProperty("pledgeId").GetString(),
                a.GetProperty("country").GetString(), a.GetProperty("batchId").GetString(), a.GetProperty("status").GetString(),
                a.GetProperty("shipped").GetBoolean())),
            Is.EqualTo(new[] { (orders[Guid.Parse(refunded.Id)], refunded.Id, "DE", $"{slug}-de-0001", "Refunded", false) }));
        Assert.That(orders.Keys, Is.EquivalentTo(new[] { Guid.Parse(kept.Id), Guid.Parse(refunded.Id) }), "the batch does not change");
    }

    /// <summary>The batches among what the partner received (the production-go notice comes too).</summary>
    private static List<PartnerReceiver.Received> Batches(IEnumerable<PartnerReceiver.Received> received) =>
        received.Where(r => r.Event == "partner.batch").ToList();

    private async Task<HttpResponseMessage> CorrectAsync(Backer backer, object address)
    {
        using var client = host.Client();
        return await client.SendAsync(Http.WithToken(HttpMethod.Put, $"/v1/pledges/{backer.Id}/address", backer.Token, address));
    }

    private static JsonElement Order(IEnumerable<JsonElement> batches, string reference) =>
        batches.SelectMany(d => d.GetProperty("orders").EnumerateArray()).Single(o => o.GetProperty("reference").GetString() == reference);

    /// <summary>The campaign's orders from the table: pledge id to reference.</summary>
    private static async Task<Dictionary<Guid, string>> OrdersAsync(string slug)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        var rows = await connection.QueryAsync<(Guid Id, long Number)>(
            "SELECT id, number FROM orders WHERE campaign_id = @slug", new { slug });
        return rows.ToDictionary(r => r.Id, r => $"CF-{r.Number:D7}");
    }

    private static async Task<long> FailedRowsAsync(string slug)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FILTER (WHERE last_error IS NOT NULL) FROM outbox
             WHERE topic = 'partner.batch' AND payload -> 'data' ->> 'campaignId' = @slug AND dispatched_at IS NULL
            """, new { slug });
    }

    private static async Task<List<string[]>> CsvOfAsync(HttpClient client, string batchId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/partner/v1/batches/{batchId}");
        request.Headers.Accept.ParseAdd("text/csv");
        return ParseCsv(await (await client.SendAsync(request)).Content.ReadAsStringAsync()).Skip(1).ToList();
    }

    /// <summary>RFC 4180 as a partner's spreadsheet reads it: quoted fields may hold commas and doubled quotes.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c is '\r') { }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); rows.Add(fields.ToArray()); fields.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); rows.Add(fields.ToArray()); }
        return rows;
    }
}
