using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>
/// Back from the factory, on the real flow: pledges collected, orders frozen at the team's address lock, then the
/// partner's production stages and shipments, seen by the backers and mailed to them.
/// </summary>
public sealed class FactoryTests : MoneyHostFixture
{
    private Uri Base => Money.BaseAddress;

    [Test]
    public async Task Stages_reach_the_backers_view_and_the_campaign_page_in_date_order_and_a_repeat_posts_nothing()
    {
        var slug = await Money.LaunchAsync("stg", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "FR");
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "factory", "https://factory.example/hooks", slug);
        using var factory = partner.Client(Base);

        var mass = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages",
            new { stage = "mass-production", date = "2026-03-02", note = "Line 2 running, 400 units a day." });
        Assert.That(mass.StatusCode, Is.EqualTo(HttpStatusCode.Created), await mass.Content.ReadAsStringAsync());
        foreach (var (stage, date) in new[] { ("tooling", "2026-01-10"), ("pre-series", "2026-03-02") })
        {
            var posted = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages", new { stage, date });
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await posted.Content.ReadAsStringAsync());
        }
        var again = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages",
            new { stage = "tooling", date = "2026-01-10" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the same stage on the same day is not a second stage");

        var expected = new[] { "tooling 2026-01-10", "pre-series 2026-03-02", "mass-production 2026-03-02" };
        var view = await Money.PledgeViewAsync(backer);
        Assert.That(Stages(view.GetProperty("timeline")), Is.EqualTo(expected));
        Assert.That(view.GetProperty("timeline")[2].GetProperty("note").GetString(), Is.EqualTo("Line 2 running, 400 units a day."));
        Assert.That(view.GetProperty("order").ValueKind, Is.EqualTo(JsonValueKind.Null), "no order before the freeze");
        using var anyone = Money.Client();
        Assert.That(Stages((await Http.JsonAsync(await anyone.GetAsync($"/v1/campaigns/{slug}"))).GetProperty("stages")), Is.EqualTo(expected));
        Assert.That(Stages((await Http.JsonAsync(await factory.GetAsync($"/partner/v1/campaigns/{slug}/stages"))).GetProperty("stages")),
            Is.EqualTo(expected));
    }

    [Test]
    public async Task A_stage_with_bad_fields_is_refused_by_name_and_nothing_is_written()
    {
        var slug = await Money.LaunchAsync("stg-bad", goalUnits: 1);
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "factory", "https://factory.example/hooks", slug);
        using var factory = partner.Client(Base);

        var bad = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages",
            new { stage = "painting", date = "02/03/2026", note = "Call Jean at jean@example.com" });

        await Http.AssertProblemAsync(bad, 422, "validation-failed");
        Assert.That(Fields(await Http.JsonAsync(bad)), Is.EquivalentTo(new[] { "stage", "date", "note" }));
        var future = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages",
            new { stage = "left-factory", date = Money.Clock.GetUtcNow().AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        await Http.AssertProblemAsync(future, 422, "validation-failed");
        var list = await Http.JsonAsync(await factory.GetAsync($"/partner/v1/campaigns/{slug}/stages"));
        Assert.That(list.GetProperty("stages").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task A_shipment_reaches_the_backers_view_once_and_the_same_again_changes_nothing_and_another_tracking_is_refused()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp", 1);
        var (backer, reference) = (backers[0], refs[backers[0].Id]);
        using var factory = partner.Client(Base);
        var shipment = new { orderReference = reference, carrier = "Colissimo", trackingNumber = "6a 123 456 789 01", shippedAt = "2026-04-01T09:30:00+02:00" };

        var first = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        var second = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment with { carrier = "COLISSIMO" });
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), await second.Content.ReadAsStringAsync());
        var other = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment with { trackingNumber = "6A12345678902" });
        await Http.AssertProblemAsync(other, 409, "shipment-conflict");

        var order = (await Money.PledgeViewAsync(backer)).GetProperty("order");
        Assert.That(order.GetProperty("reference").GetString(), Is.EqualTo(reference));
        var tracked = order.GetProperty("shipment");
        Assert.That(tracked.GetProperty("carrier").GetString(), Is.EqualTo("Colissimo"));
        Assert.That(tracked.GetProperty("trackingNumber").GetString(), Is.EqualTo("6A12345678901"));
        Assert.That(tracked.GetProperty("shippedAt").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.Parse("2026-04-01T07:30:00Z")));
        Assert.That(await ShippedMessagesAsync(backer.Id), Is.EqualTo(new[] { $"{reference} Colissimo 6A12345678901" }),
            "one Shipped message, however many times the shipment came");
    }

    [Test]
    public async Task A_shipment_is_mailed_once_in_the_backers_language_with_the_tracking_number()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("ship-mail", 1, "DE");
        var (backer, reference) = (backers[0], refs[backers[0].Id]);

        using var factory = partner.Client(Base);
        var shipment = new { orderReference = reference, carrier = "DHL", trackingNumber = "00340434161094042557", shippedAt = "2026-04-01T08:00:00Z" };
        Assert.That((await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", new[] { shipment })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK), "the same shipment in an upload changes nothing");

        var mail = await Money.MailedOnceAsync(backer, "Ihre Bestellung von Retro phone ist unterwegs");
        Assert.That(mail.TextBody, Does.Contain($"Ihre Bestellung {reference} für Retro phone hat das Werk am Mittwoch, 1. April 2026 um 10:00 (UTC+02:00) verlassen."));
        Assert.That(mail.TextBody, Does.Contain("Versanddienstleister: DHL\nSendungsnummer: 00340434161094042557"));
    }

    [Test]
    public async Task A_bad_json_upload_changes_nothing_and_names_each_bad_line()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp-json", 3);
        using var factory = partner.Client(Base);
        object Line(Backer b, string tracking) => new { orderReference = refs[b.Id], carrier = "DHL", trackingNumber = tracking, shippedAt = "2026-04-01" };

        var bad = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", new object[]
        {
            Line(backers[0], "JD0146000031"),
            new { orderReference = refs[backers[1].Id], carrier = "DHL", trackingNumber = 42, shippedAt = "2026-04-01" },
            new { orderReference = "CF-12", carrier = "DHL", trackingNumber = "JD0146000033", shippedAt = "yesterday" },
        });
        await Http.AssertProblemAsync(bad, 422, "validation-failed");
        Assert.That(Fields(await Http.JsonAsync(bad)),
            Is.SupersetOf(new[] { "lines[1].trackingNumber", "lines[2].orderReference", "lines[2].shippedAt" })
                .And.None.StartsWith("lines[0]"));
        Assert.That(await ShipmentRowsAsync(slug), Is.Zero);

        // Well-formed, but one line names an order of no campaign of this partner: still nothing is written.
        var unknown = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", new object[]
        {
            Line(backers[0], "JD0146000031"),
            new { orderReference = "CF-9999999", carrier = "DHL", trackingNumber = "JD0146000034", shippedAt = "2026-04-01" },
        });
        await Http.AssertProblemAsync(unknown, 404, "order-not-found");
        Assert.That(Fields(await Http.JsonAsync(unknown)), Is.EqualTo(new[] { "lines[1].orderReference" }));
        Assert.That(await ShipmentRowsAsync(slug), Is.Zero);
        Assert.That(await ShippedMessagesAsync(backers.Select(b => b.Id).ToArray()), Is.Empty);
    }

    [Test]
    public async Task A_bad_csv_upload_changes_nothing_and_names_each_bad_line_as_a_person_counts_them()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp-csv", 2);
        using var factory = partner.Client(Base);
        var shipped = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments",
            new { orderReference = refs[backers[0].Id], carrier = "UPS", trackingNumber = "1Z999AA10123456784", shippedAt = "2026-04-01" });
        Assert.That(shipped.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var bad = await PostCsvAsync(factory, slug, $"""
            order_reference,carrier,tracking_number,shipped_at
            {refs[backers[1].Id]},UPS,1Z999AA10123456785,2026-04-02
            {refs[backers[1].Id]},UPS,not a tracking number!,2026-04-02

            {refs[backers[1].Id]},UPS,1Z999AA10123456785,2026-13-45
            """);
        await Http.AssertProblemAsync(bad, 422, "validation-failed");
        Assert.That(Fields(await Http.JsonAsync(bad)), Is.EquivalentTo(new[] { "line 3.trackingNumber", "line 5.shippedAt" }));

        // Well-formed lines that the orders refuse: the first order shipped already with another number.
        var conflict = await PostCsvAsync(factory, slug, $"""
            orderReference,carrier,trackingNumber,shippedAt
            {refs[backers[1].Id]},UPS,1Z999AA10123456785,2026-04-02
            {refs[backers[0].Id]},UPS,1Z999AA10123456799,2026-04-02
            """);
        await Http.AssertProblemAsync(conflict, 409, "shipment-conflict");
        Assert.That(Fields(await Http.JsonAsync(conflict)), Is.EqualTo(new[] { "line 3.trackingNumber" }));
        Assert.That(await ShipmentRowsAsync(slug), Is.EqualTo(1), "only the shipment made before");
        Assert.That(await ShippedMessagesAsync(backers[1].Id), Is.Empty);

        var noColumn = await PostCsvAsync(factory, slug, "orderReference,carrier,shippedAt\nCF-0000001,UPS,2026-04-02\n");
        await Http.AssertProblemAsync(noColumn, 422, "validation-failed");
        Assert.That(Fields(await Http.JsonAsync(noColumn)), Is.EqualTo(new[] { "line 1" }));
    }

    [Test]
    public async Task A_good_csv_upload_records_every_line_and_tells_the_team_the_share_shipped()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp-ok", 4);
        using var factory = partner.Client(Base);

        var csv = new StringBuilder("orderReference,carrier,trackingNumber,shippedAt\r\n");
        for (var i = 0; i < 3; i++) csv.Append($"{refs[backers[i].Id]},\"La Poste, Colissimo\",8R0000000000{i},2026-04-0{i + 1}T10:00:00Z\r\n");
        var uploaded = await PostCsvAsync(factory, slug, csv.ToString());
        Assert.That(uploaded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await uploaded.Content.ReadAsStringAsync());
        var answer = await Http.JsonAsync(uploaded);
        Assert.That((answer.GetProperty("lines").GetInt32(), answer.GetProperty("recorded").GetInt32(), answer.GetProperty("unchanged").GetInt32()),
            Is.EqualTo((3, 3, 0)));

        for (var i = 0; i < 3; i++)
        {
            var shipment = (await Money.PledgeViewAsync(backers[i])).GetProperty("order").GetProperty("shipment");
            Assert.That(shipment.GetProperty("carrier").GetString(), Is.EqualTo("La Poste, Colissimo"));
            Assert.That(shipment.GetProperty("trackingNumber").GetString(), Is.EqualTo($"8R0000000000{i}"));
        }
        Assert.That((await Money.PledgeViewAsync(backers[3])).GetProperty("order").GetProperty("shipment").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(await ShippedMessagesAsync(backers.Select(b => b.Id).ToArray()), Has.Count.EqualTo(3));

        var again = await PostCsvAsync(factory, slug, csv.ToString());
        Assert.That((await Http.JsonAsync(again)).GetProperty("unchanged").GetInt32(), Is.EqualTo(3), "the same upload again changes nothing");
        Assert.That(await ShippedMessagesAsync(backers.Select(b => b.Id).ToArray()), Has.Count.EqualTo(3));

        using var team = Money.Team();
        var pipeline = (await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment"))).GetProperty("countries")[0];
        Assert.That((pipeline.GetProperty("country").GetString(), pipeline.GetProperty("orders").GetInt32(), pipeline.GetProperty("shipped").GetInt32()),
            Is.EqualTo(("FR", 4, 3)), "the team's pipeline counts the shipped orders of each country");
    }

    [Test]
    public async Task An_upload_past_its_line_bound_is_refused_whole_and_one_within_it_is_read_past_the_json_body_limit()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp-big", 1);
        var reference = refs[backers[0].Id];
        using var factory = partner.Client(Base);
        var csv = new StringBuilder("orderReference,carrier,trackingNumber,shippedAt\n");
        for (var i = 0; i <= 100_000; i++) csv.Append($"{reference},DHL,JD0146000031,2026-04-01\n");

        var tooMany = await PostCsvAsync(factory, slug, csv.ToString());

        await Http.AssertProblemAsync(tooMany, 413, "body-too-large");
        Assert.That(await ShipmentRowsAsync(slug), Is.Zero);
        // 100,000 lines (3 MB, far past the 16 KB of other bodies) are read: the same shipment on every line is one.
        var within = await PostCsvAsync(factory, slug, csv.ToString()[..csv.ToString().LastIndexOf(reference, StringComparison.Ordinal)]);
        Assert.That(within.StatusCode, Is.EqualTo(HttpStatusCode.OK), await within.Content.ReadAsStringAsync());
        var answer = await Http.JsonAsync(within);
        Assert.That((answer.GetProperty("lines").GetInt32(), answer.GetProperty("recorded").GetInt32()), Is.EqualTo((100_000, 1)));
    }

    [Test]
    public async Task Another_partner_cannot_post_stages_or_shipments_for_a_campaign_not_its_own()
    {
        var (slug, partner, backers, refs) = await FrozenAsync("shp-own", 1);
        var reference = refs[backers[0].Id];
        var otherSlug = await Money.LaunchAsync("shp-rival", goalUnits: 1);
        using var team = Money.Team();
        var rival = await TestPartners.RegisterAsync(team, "rival", "https://rival.example/hooks", otherSlug);
        using var rivalClient = rival.Client(Base);
        var shipment = new { orderReference = reference, carrier = "DHL", trackingNumber = "JD0146000039", shippedAt = "2026-04-01" };

        await Http.AssertProblemAsync(await rivalClient.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages",
            new { stage = "tooling", date = "2026-01-10" }), 404, "campaign-not-found");
        await Http.AssertProblemAsync(await rivalClient.GetAsync($"/partner/v1/campaigns/{slug}/stages"), 404, "campaign-not-found");
        await Http.AssertProblemAsync(await rivalClient.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment),
            404, "campaign-not-found");
        // Through its own campaign, the other partner's order does not exist either.
        await Http.AssertProblemAsync(await rivalClient.PostAsJsonAsync($"/partner/v1/campaigns/{otherSlug}/shipments", shipment),
            404, "order-not-found");

        Assert.That(await ShipmentRowsAsync(slug), Is.Zero);
        using var factory = partner.Client(Base);
        var stages = await Http.JsonAsync(await factory.GetAsync($"/partner/v1/campaigns/{slug}/stages"));
        Assert.That(stages.GetProperty("stages").GetArrayLength(), Is.Zero);
    }

    /// <summary>
    /// A campaign whose <paramref name="count"/> pledges (from <paramref name="country"/>) were collected, with its partner, and the orders
    /// frozen at the team's address lock; the orders' references by pledge id, as the backers' views show them.
    /// </summary>
    private async Task<(string Slug, TestPartner Partner, List<Backer> Backers, Dictionary<string, string> References)> FrozenAsync(
        string prefix, int count, string country = "FR")
    {
        var slug = await Money.LaunchAsync(prefix, goalUnits: count);
        var backers = new List<Backer>();
        for (var i = 0; i < count; i++) backers.Add(await Money.PledgeAsync(slug, country));
        await Money.EndAsync(slug);
        await Money.CollectionAsync(slug);
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "factory", "https://factory.example/hooks", slug);
        await Money.FreezeNowAsync(slug);
        var references = new Dictionary<string, string>();
        foreach (var backer in backers)
        {
            await Money.StatusAsync(backer, "Collected");
            var order = (await Money.PledgeViewAsync(backer)).GetProperty("order");
            Assert.That(order.GetProperty("shipment").ValueKind, Is.EqualTo(JsonValueKind.Null), "not shipped yet");
            references[backer.Id] = order.GetProperty("reference").GetString()!;
        }
        Assert.That(references.Values, Is.All.Match("^CF-[0-9]{7}$"));
        Assert.That(references.Values, Is.Unique);
        return (slug, partner, backers, references);
    }


    private static Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string slug, string csv) =>
        client.PostAsync($"/partner/v1/campaigns/{slug}/shipments", new StringContent(csv, Encoding.UTF8, "text/csv"));

    private static List<string> Stages(JsonElement stages) =>
        stages.EnumerateArray().Select(s => $"{s.GetProperty("stage").GetString()} {s.GetProperty("date").GetString()}").ToList();

    private static List<string> Fields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Distinct().ToList();

    private static async Task<int> ShipmentRowsAsync(string slug)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE o.campaign_id = @slug", new { slug });
    }

    /// <summary>The Shipped backer messages in the outbox for these pledges, as "reference carrier tracking".</summary>
    private static async Task<List<string>> ShippedMessagesAsync(params string[] pledgeIds)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("""
            SELECT concat_ws(' ', payload->'data'->>'orderReference', payload->'data'->>'carrier', payload->'data'->>'trackingNumber')
              FROM outbox
             WHERE topic = 'backer.message' AND payload->'data'->>'kind' = 'shipped' AND payload->'data'->>'pledgeId' = ANY(@pledgeIds)
            """, new { pledgeIds })).ToList();
    }
}
