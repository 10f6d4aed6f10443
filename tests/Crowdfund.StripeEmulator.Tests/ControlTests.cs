using System.Net;
using System.Text.Json;
using Crowdfund.Testing;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class ControlTests
{
    [Test]
    public async Task The_records_are_readable_over_HTTP_and_a_reset_forgets_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await Emulated.StartAsync(options => options.WebhookUrl = receiver.Url);
        var stripe = Emulated.Client(server);
        var payment = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 3100, Currency = "eur", PaymentMethod = "pm_card_visa", Confirm = true });
        await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = payment.Id, Amount = 100 });
        await Emulated.UntilAsync(() => server.WebhookDeliveries().Count == server.Events().Count, "every event delivered");
        using var control = Emulated.Control(server);

        using (var charges = JsonDocument.Parse(await control.GetStringAsync("/_emulator/charges")))
        {
            var charge = charges.RootElement.GetProperty("data").EnumerateArray().Single();
            Assert.That(charge.GetProperty("id").GetString(), Is.EqualTo(payment.LatestChargeId));
            Assert.That(charge.GetProperty("amount_refunded").GetInt64(), Is.EqualTo(100));
        }
        using (var deliveries = JsonDocument.Parse(await control.GetStringAsync("/_emulator/webhook_deliveries")))
        {
            var first = deliveries.RootElement.GetProperty("data")[0];
            Assert.That(first.GetProperty("event_type").GetString(), Is.EqualTo("payment_intent.created"));
            Assert.That(first.GetProperty("status_code").GetInt32(), Is.EqualTo(200));
        }
        Assert.That(await control.GetStringAsync("/_emulator/refunds"), Does.Contain("\"amount\": 100"));
        Assert.That(await control.GetStringAsync("/_emulator/events"), Does.Contain("charge.refunded"));

        var reset = await control.PostAsync("/_emulator/reset", null);
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.Charges(), Is.Empty);
        Assert.That(server.Events(), Is.Empty);
        var gone = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.GetAsync(payment.Id));
        Assert.That(gone!.StripeError.Code, Is.EqualTo("resource_missing"));
    }
}
