using System.Net;
using System.Text.Json;
using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>What a backer's browser does at Stripe (Stripe.js' part), with the publishable key and a client secret.</summary>
internal static class Backers
{
    /// <summary>
    /// A customer with a card saved for off-session payments, as the pledge path saves it: the gateway's customer and
    /// setup, the browser's confirmation, and the 3-D Secure page passed when the card asks for it.
    /// </summary>
    public static async Task<(string Customer, string Card)> SavedCardAsync(StripeEmulatorServer server, StripeGateway gateway,
        string card = "pm_card_visa")
    {
        var pledge = Guid.NewGuid();
        var customer = await gateway.CreateCustomerAsync(Stripes.Email(), $"customer-{pledge}");
        var setup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge), $"setup-{pledge}-1");
        var confirmed = await ConfirmSetupAsync(server, setup, card);
        if (confirmed.GetProperty("status").GetString() == "requires_action")
            Assert.That(server.CompleteAuthentication(setup.Id), Is.True, "the 3-D Secure page completes");
        var saved = await Stripes.Client(server).V1.SetupIntents.GetAsync(setup.Id);
        Assert.That(saved.Status, Is.EqualTo("succeeded"), $"{card} is saved");
        return (customer, saved.PaymentMethodId);
    }

    /// <summary>A backer of the campaign who saved this card and whose pledge was charged (attempt 1), whatever the answer.</summary>
    public static async Task<PaidPledge> PaidAsync(StripeEmulatorServer server, StripeGateway gateway, string campaignId, string card,
        long amount, string currency)
    {
        var (customer, saved) = await SavedCardAsync(server, gateway, card);
        var pledge = Guid.NewGuid();
        var charge = await gateway.ChargeAsync(new ChargeRequest(customer, saved, amount, currency,
            Stripes.ChargeMetadata(pledge, campaignId: campaignId)), $"charge-{pledge}-1");
        return new PaidPledge(pledge, charge);
    }

    /// <summary>Confirms a card setup with a card; the answer is Stripe's: the setup intent, or its card error.</summary>
    public static Task<JsonElement> ConfirmSetupAsync(StripeEmulatorServer server, SetupIntentInfo setup, string card,
        HttpStatusCode expected = HttpStatusCode.OK) =>
        PostAsync(server, $"/v1/setup_intents/{setup.Id}/confirm", setup.ClientSecret, card, expected);

    /// <summary>The backer back on-session confirms a payment that asked for them, with its client secret and the card.</summary>
    public static Task<JsonElement> ConfirmPaymentAsync(StripeEmulatorServer server, ChargeResult charge, string card,
        HttpStatusCode expected = HttpStatusCode.OK) =>
        PostAsync(server, $"/v1/payment_intents/{charge.PaymentIntentId}/confirm", charge.ClientSecret!, card, expected);

    private static async Task<JsonElement> PostAsync(StripeEmulatorServer server, string path, string clientSecret, string card,
        HttpStatusCode expected)
    {
        using var browser = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var answer = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["payment_method"] = card,
            ["client_secret"] = clientSecret,
            ["key"] = server.PublishableKey,
        }));
        var body = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.StatusCode, Is.EqualTo(expected), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

/// <summary>A pledge and the answer to its charge.</summary>
internal sealed record PaidPledge(Guid Pledge, ChargeResult Charge)
{
    public string PaymentIntentId => Charge.PaymentIntentId;
}
