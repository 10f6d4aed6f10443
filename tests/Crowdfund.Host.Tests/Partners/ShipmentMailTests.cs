using System.Net;
using System.Net.Http.Json;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>
/// The whole way back from the factory on the real flow: a collection, the team's address lock freezing the orders into
/// batches, then a shipment told to its backer by mail, once, in their language.
/// </summary>
public sealed class ShipmentMailTests : MoneyHostFixture
{
    [Test]
    public async Task A_frozen_orders_shipment_is_mailed_once_in_the_backers_language_with_the_tracking_number()
    {
        var slug = await Money.LaunchAsync("ship-mail", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "DE");
        await Money.EndAsync(slug);
        await Money.CollectionAsync(slug);
        await Money.StatusAsync(backer, "Collected");
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "mail", "https://factory.example/hooks", slug);
        var locked = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock", new { at = Money.Clock.GetUtcNow() });
        Assert.That(locked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await locked.Content.ReadAsStringAsync());
        // The team's view does the freeze that fell due, as the grain's reminder would within its period.
        Assert.That((await team.GetAsync($"/team/v1/campaigns/{slug}/fulfilment")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var frozen = (await Money.PledgeViewAsync(backer)).GetProperty("order");
        var reference = frozen.GetProperty("reference").GetString()!;
        Assert.That(reference, Does.Match("^CF-[0-9]{7}$"));
        Assert.That(frozen.GetProperty("shipment").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));

        using var factory = partner.Client(Money.BaseAddress);
        var shipment = new { orderReference = reference, carrier = "DHL", trackingNumber = "00340434161094042557", shippedAt = "2026-04-01T08:00:00Z" };
        Assert.That((await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", shipment)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments", new[] { shipment })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK), "the same shipment in an upload changes nothing");

        var mail = await Money.MailedOnceAsync(backer, "Ihre Bestellung von Retro phone ist unterwegs");
        Assert.That(mail.TextBody, Does.Contain($"Ihre Bestellung {reference} für Retro phone hat das Werk am Mittwoch, 1. April 2026 um 10:00 (UTC+02:00) verlassen."));
        Assert.That(mail.TextBody, Does.Contain("Versanddienstleister: DHL\nSendungsnummer: 00340434161094042557"));
        var order = (await Money.PledgeViewAsync(backer)).GetProperty("order");
        Assert.That(order.GetProperty("shipment").GetProperty("trackingNumber").GetString(), Is.EqualTo("00340434161094042557"));
    }
}
