using System.Text.Json;
using Crowdfund.Grains;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>
/// What the partner hears from the production go to the final quantities, on the real host with its outbox delivering
/// to a real partner receiver on loopback, which checks every signature the way the README tells partners to. One
/// partner, up throughout, manufactures the campaigns of every test but the one where it goes down: the tests move
/// the host's clock, which ends the campaigns of the tests before, and their final quantities must find it.
/// </summary>
[NonParallelizable]
public sealed class PartnerForecastTests
{
    private MoneyHost host = null!;
    private PartnerReceiver receiver = null!;
    private TestPartner partner = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        host = await MoneyHost.StartAsync(settings =>
        {
            // A partner that was down is tried again within a second, not after the production backoff's minutes.
            settings["Crowdfund:Outbox:RetryDelay"] = "00:00:00.050";
            settings["Crowdfund:Outbox:Backoff"] = "00:00:00.200";
            settings["Crowdfund:Outbox:MaxBackoff"] = "00:00:01";
            settings["Crowdfund:Outbox:BreakDuration"] = "00:00:00.500";
        });
        receiver = await PartnerReceiver.StartAsync();
        partner = await RegisterAsync(receiver);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await host.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Test]
    public async Task The_production_go_notice_arrives_once_signed_with_the_confirmed_units_per_sku_and_country()
    {
        var slug = await host.LaunchAsync("go", goalUnits: 7);
        await LinkAsync(partner, slug);

        await host.PledgeAsync(slug, "FR", tierId: "standard");
        await host.PledgeAsync(slug, "DE", tierId: "duo");
        await host.PledgeAsync(slug, "US", tierId: "early", quantity: 2);
        Assert.That(await OutboxKeysAsync(slug), Is.Empty, "6 of 7 units: no notice yet");
        await host.PledgeAsync(slug, "FR", tierId: "duo");

        var notice = await DeliveredOnceAsync(receiver, ManufacturingConfirmedV1.IdOf(slug));
        Assert.That(notice.Event, Is.EqualTo(ManufacturingConfirmedV1.Type));
        var data = notice.Data;
        Assert.That(data.GetProperty("confirmedUnits").GetInt32(), Is.EqualTo(7));
        AssertUnits(data.GetProperty("forecast"), 7,
            new() { ["RETRO-PHONE"] = new() { ["FR"] = 3, ["DE"] = 2 }, ["EARLY"] = new() { ["US"] = 2 } });
        Assert.That(await ConfirmedUnitsAsync(slug), Is.EqualTo(7), "the forecast is the confirmed pledges' units");
        Assert.That(data.GetProperty("deadline").GetDateTimeOffset(), Is.EqualTo(await DeadlineAsync(slug)));
    }

    [Test]
    public async Task A_notice_written_before_any_partner_is_linked_is_delivered_once_the_team_links_one()
    {
        var slug = await host.LaunchAsync("unlinked", goalUnits: 2);
        await host.PledgeAsync(slug, "ES", tierId: "duo");
        await Eventually.Until(async () => await FailedTurnsAsync(ManufacturingConfirmedV1.IdOf(slug)) >= 2,
            "the notice tried, and waiting for a partner");

        await LinkAsync(partner, slug);

        var notice = await DeliveredOnceAsync(receiver, ManufacturingConfirmedV1.IdOf(slug));
        AssertUnits(notice.Data.GetProperty("forecast"), 2, new() { ["RETRO-PHONE"] = new() { ["ES"] = 2 } });
    }

    [Test]
    public async Task A_partner_down_for_a_while_gets_the_notice_once_when_it_is_back()
    {
        // A partner of its own, and a campaign that outlives the clock's moves: the others must not knock on its door.
        await using var down = await PartnerReceiver.StartAsync();
        var slug = await host.LaunchAsync("down", goalUnits: 1, runsFor: TimeSpan.FromDays(30));
        await LinkAsync(await RegisterAsync(down), slug);
        await down.GoDownAsync();

        await host.PledgeAsync(slug, "CA", tierId: "standard");
        // Refused (three connections a turn), or held back by the circuit that refusals open; either way it waits.
        await Eventually.Until(async () => await TurnsAsync(ManufacturingConfirmedV1.IdOf(slug)) is { LastError: not null },
            "the notice tried and held back while the partner is down");
        await down.ComeBackAsync();

        await DeliveredOnceAsync(down, ManufacturingConfirmedV1.IdOf(slug));
        Assert.That(down.All.Where(r => r.Key == ManufacturingConfirmedV1.IdOf(slug)).Select(r => r.Valid),
            Is.EqualTo(new[] { true }), "one request reached the partner, and it verified");
    }

    [Test]
    public async Task An_updated_forecast_goes_only_once_the_interval_has_passed_and_only_when_the_figures_changed()
    {
        var slug = await host.LaunchAsync("daily", goalUnits: 1, runsFor: TimeSpan.FromDays(10));
        await LinkAsync(partner, slug);
        await host.PledgeAsync(slug, "FR", tierId: "standard");
        await DeliveredOnceAsync(receiver, ManufacturingConfirmedV1.IdOf(slug));
        var forecasts = host.Grains.GetGrain<IPartnerForecastGrain>(slug);

        await host.PledgeAsync(slug, "DE", tierId: "duo");
        await forecasts.CheckAsync();
        host.Clock.Advance(TimeSpan.FromHours(23));
        await forecasts.CheckAsync();
        Assert.That(await OutboxKeysAsync(slug), Is.EqualTo(new[] { ManufacturingConfirmedV1.IdOf(slug) }),
            "changed, but not a day since the notice");

        host.Clock.Advance(TimeSpan.FromHours(1));
        await forecasts.CheckAsync();
        await forecasts.CheckAsync();
        var first = await DeliveredOnceAsync(receiver, ForecastUpdatedV1.IdOf(slug, 1));
        Assert.That(first.Event, Is.EqualTo(ForecastUpdatedV1.Type));
        Assert.That(first.Data.GetProperty("sequence").GetInt32(), Is.EqualTo(1));
        AssertUnits(first.Data.GetProperty("forecast"), 3, new() { ["RETRO-PHONE"] = new() { ["DE"] = 2, ["FR"] = 1 } });

        host.Clock.Advance(TimeSpan.FromDays(1));
        await forecasts.CheckAsync();
        Assert.That(await OutboxKeysAsync(slug), Has.Count.EqualTo(2), "a day later, but nothing changed");

        await host.PledgeAsync(slug, "US", tierId: "early");
        await forecasts.CheckAsync();
        var second = await DeliveredOnceAsync(receiver, ForecastUpdatedV1.IdOf(slug, 2));
        Assert.That(second.Data.GetProperty("sequence").GetInt32(), Is.EqualTo(2));
        AssertUnits(second.Data.GetProperty("forecast"), 4,
            new() { ["RETRO-PHONE"] = new() { ["DE"] = 2, ["FR"] = 1 }, ["EARLY"] = new() { ["US"] = 1 } });
    }

    [Test]
    public async Task The_final_quantities_follow_collection_once_with_the_collected_units_only()
    {
        var slug = await host.LaunchAsync("final", goalUnits: 3);
        await LinkAsync(partner, slug);
        await host.PledgeAsync(slug, "FR", tierId: "standard");
        await host.PledgeAsync(slug, "DE", tierId: "duo");
        var cancelled = await host.PledgeAsync(slug, "ES", tierId: "early");
        using (var client = host.Client())
            await client.SendAsync(Http.WithToken(HttpMethod.Delete, $"/v1/pledges/{cancelled.Id}", cancelled.Token));
        await host.StatusAsync(cancelled, "Cancelled");
        await DeliveredOnceAsync(receiver, ManufacturingConfirmedV1.IdOf(slug));

        await host.EndAsync(slug);
        await host.CollectionAsync(slug);

        var final = await DeliveredOnceAsync(receiver, FinalQuantitiesV1.IdOf(slug));
        Assert.That(final.Event, Is.EqualTo(FinalQuantitiesV1.Type));
        AssertUnits(final.Data.GetProperty("quantities"), 3, new() { ["RETRO-PHONE"] = new() { ["DE"] = 2, ["FR"] = 1 } });
        // Asked again (as the reminder and collection's wake-up may both do), nothing more is written or sent.
        var forecasts = host.Grains.GetGrain<IPartnerForecastGrain>(slug);
        await forecasts.CheckAsync();
        await forecasts.CheckAsync();
        Assert.That((await OutboxKeysAsync(slug)).Count(k => k == FinalQuantitiesV1.IdOf(slug)), Is.EqualTo(1));
        Assert.That(receiver.All.Count(r => r.Key == FinalQuantitiesV1.IdOf(slug)), Is.EqualTo(1));
        Assert.That(await ForecastRemindersAsync(slug), Is.Zero, "the forecast grain stopped following the campaign");
    }

    /// <summary>Registers a partner whose webhooks go to <paramref name="to"/>, which knows its secret from then on.</summary>
    private async Task<TestPartner> RegisterAsync(PartnerReceiver to)
    {
        using var team = host.Team();
        var registered = await TestPartners.RegisterAsync(team, "factory", to.Url);
        to.Secret = registered.SigningSecret;
        return registered;
    }

    private async Task LinkAsync(TestPartner manufacturer, string slug)
    {
        using var team = host.Team();
        await TestPartners.LinkAsync(team, manufacturer.Id, slug);
    }

    /// <summary>
    /// The message the partner processed under <paramref name="key"/>, once its outbox row is marked dispatched (after
    /// which it is never sent again): one request in all, and it verified.
    /// </summary>
    private static async Task<PartnerReceiver.Received> DeliveredOnceAsync(PartnerReceiver receiver, string key)
    {
        await Eventually.Until(async () => receiver.Processed.Any(r => r.Key == key) && await DispatchedAsync(key),
            $"{key} processed by the partner and marked dispatched");
        var requests = receiver.All.Where(r => r.Key == key).ToList();
        Assert.That(requests, Has.Count.EqualTo(1), $"{key} sent once");
        Assert.That(requests[0].Valid, Is.True, "its signature verifies as the README describes");
        return requests[0];
    }

    private static void AssertUnits(JsonElement counts, int units, Dictionary<string, Dictionary<string, int>> bySkuAndCountry)
    {
        Assert.That(counts.GetProperty("units").GetInt32(), Is.EqualTo(units));
        Assert.That(Map(counts.GetProperty("bySkuAndCountry"), Map), Is.EquivalentTo(bySkuAndCountry));
        Assert.That(Map(counts.GetProperty("bySku"), e => e.GetInt32()),
            Is.EquivalentTo(bySkuAndCountry.ToDictionary(s => s.Key, s => s.Value.Values.Sum())));
        Assert.That(Map(counts.GetProperty("byCountry"), e => e.GetInt32()), Is.EquivalentTo(bySkuAndCountry.Values
            .SelectMany(c => c).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value))));
    }

    private static Dictionary<string, int> Map(JsonElement json) => Map(json, e => e.GetInt32());

    private static Dictionary<string, T> Map<T>(JsonElement json, Func<JsonElement, T> value) =>
        json.EnumerateObject().ToDictionary(p => p.Name, p => value(p.Value));

    private async Task<DateTimeOffset> DeadlineAsync(string slug)
    {
        using var team = host.Team();
        var dashboard = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/dashboard"));
        return dashboard.GetProperty("deadline").GetDateTimeOffset();
    }

    private static async Task<List<string>> OutboxKeysAsync(string slug)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>(
            "SELECT key FROM outbox WHERE topic LIKE 'partner.%' AND payload -> 'data' ->> 'campaignId' = @slug ORDER BY id",
            new { slug })).ToList();
    }

    private static Task<int> ConfirmedUnitsAsync(string slug) => ScalarAsync<int>(
        "SELECT coalesce(sum(units), 0)::int FROM pledges WHERE campaign_id = @slug AND status = 'Confirmed'", new { slug });

    private static async Task<int> FailedTurnsAsync(string key) => (await TurnsAsync(key))?.Attempts ?? 0;

    private static async Task<Turns?> TurnsAsync(string key)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<Turns>(
            "SELECT attempts AS Attempts, last_error AS LastError FROM outbox WHERE key = @key", new { key });
    }

    private sealed record Turns(int Attempts, string? LastError);

    private static Task<bool> DispatchedAsync(string key) => ScalarAsync<bool>(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE key = @key AND dispatched_at IS NOT NULL)", new { key });

    private static Task<int> ForecastRemindersAsync(string slug) => ScalarAsync<int>(
        "SELECT count(*)::int FROM orleans_reminders WHERE reminder_name = 'forecast' AND grain_id LIKE '%' || @slug", new { slug });

    private static async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? default!;
    }
}
