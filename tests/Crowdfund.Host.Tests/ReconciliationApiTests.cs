using System.Net.Http.Headers;
using Crowdfund.Grains.Payments;
using Crowdfund.Testing;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using ChargeOutcome = Crowdfund.Grains.Payments.ChargeOutcome;

namespace Crowdfund.Host.Tests;

/// <summary>
/// The team's reconciliation over HTTP: payments made at the Stripe emulator through the host's own gateway, the
/// ledger's rows written to match, and the host reading both back.
/// </summary>
public sealed class ReconciliationApiTests
{
    private const string Header = "row,currency,pledge_id,differences,ledger_status,ledger_payment_intent,provider_status," +
        "provider_payment_intent,ledger_collected,provider_collected,difference_collected,ledger_refunded,provider_refunded," +
        "difference_refunded,ledger_disputed,provider_disputed,difference_disputed,provider_fees";

    [Test]
    public async Task The_ledger_matching_the_providers_payments_reconciles_to_zero_in_json_and_csv_and_a_stray_payment_shows()
    {
        var slug = await ApiHost.LaunchCampaignAsync("recon");
        var gateway = ApiHost.Factory.Services.GetRequiredService<IPaymentGateway>();
        var collected = await ChargeAsync(gateway, slug, 9900, "EUR");
        await LedgerRows.PledgeAsync(slug, "Collected", "EUR", 9900, 1, collected.PaymentIntentId, collected: 9900, id: collected.Pledge);
        var refunded = await ChargeAsync(gateway, slug, 10900, "USD");
        await gateway.RefundAsync(refunded.PaymentIntentId, 4000, new Dictionary<string, string>(), $"refund-{refunded.Pledge}");
        await LedgerRows.PledgeAsync(slug, "PartiallyRefunded", "USD", 10900, 1, refunded.PaymentIntentId, collected: 10900, refunded: 4000,
            id: refunded.Pledge);
        using var team = ApiHost.Team();

        var json = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/reconciliation"));
        var csv = await CsvAsync(team, slug);

        Assert.That(json.GetProperty("balanced").GetBoolean(), Is.True, json.ToString());
        Assert.That(json.GetProperty("pledges").GetArrayLength(), Is.Zero);
        var eur = json.GetProperty("currencies").EnumerateArray().Single(c => c.GetProperty("currency").GetString() == "EUR");
        Assert.That(eur.GetProperty("provider").GetProperty("collected").GetInt64(), Is.EqualTo(9900));
        Assert.That(eur.GetProperty("provider").GetProperty("fees").GetInt64(), Is.EqualTo(317), "2.9 % + 30 in the emulator's model");
        Assert.That(eur.GetProperty("difference").GetProperty("collected").GetInt64(), Is.Zero);
        Assert.That(csv, Is.EqualTo(new[]
        {
            Header,
            "currency,EUR,,,,,,,9900,9900,0,0,0,0,0,0,0,317",
            "currency,USD,,,,,,,10900,10900,0,4000,4000,0,0,0,0,346",
        }));

        var stray = await ChargeAsync(gateway, slug, 14900, "CAD");
        var after = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/reconciliation"));
        var afterCsv = await CsvAsync(team, slug);

        Assert.That(after.GetProperty("balanced").GetBoolean(), Is.False);
        var pledge = after.GetProperty("pledges").EnumerateArray().Single();
        Assert.That(pledge.GetProperty("pledgeId").GetGuid(), Is.EqualTo(stray.Pledge));
        Assert.That(pledge.GetProperty("differences").EnumerateArray().Select(d => d.GetString()), Is.EqualTo(new[] { "UnknownPledge" }));
        Assert.That(pledge.GetProperty("ledger").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(pledge.GetProperty("provider").GetProperty("paymentIntentId").GetString(), Is.EqualTo(stray.PaymentIntentId));
        Assert.That(afterCsv, Does.Contain("currency,CAD,,,,,,,0,14900,14900,0,0,0,0,0,0,462"));
        Assert.That(afterCsv[^1], Is.EqualTo($"pledge,CAD,{stray.Pledge},UnknownPledge,,,succeeded,{stray.PaymentIntentId},0,14900,14900,0,0,0,0,0,0,462"));
    }

    [Test]
    public async Task An_unknown_campaign_is_not_found_and_the_team_key_is_required()
    {
        using var team = ApiHost.Team();
        using var anonymous = ApiHost.Client();

        await Http.AssertProblemAsync(await team.GetAsync("/team/v1/campaigns/no-such-campaign/reconciliation"), 404, "campaign-not-found");
        await Http.AssertProblemAsync(await anonymous.GetAsync("/team/v1/campaigns/no-such-campaign/reconciliation"), 401, "unauthorized");
    }

    private static async Task<string[]> CsvAsync(HttpClient team, string slug)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/team/v1/campaigns/{slug}/reconciliation");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await team.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        Assert.That(response.Headers.Vary, Does.Contain("Accept"));
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    private sealed record Paid(Guid Pledge, string PaymentIntentId);

    /// <summary>A backer's card attached at the emulator and charged through the host's gateway, named for the campaign.</summary>
    private static async Task<Paid> ChargeAsync(IPaymentGateway gateway, string slug, long amount, string currency)
    {
        var stripe = new StripeClient(ApiHost.Emulator.SecretKey, httpClient: new SystemNetHttpClient(maxNetworkRetries: 0),
            apiBase: ApiHost.Emulator.BaseUrl);
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions());
        var card = await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id });
        var pledge = Guid.NewGuid();
        var charge = await gateway.ChargeAsync(new ChargeRequest(customer.Id, card.Id, amount, currency, new Dictionary<string, string>
        {
            [PaymentMetadata.CampaignId] = slug,
            [PaymentMetadata.PledgeId] = pledge.ToString(),
            [PaymentMetadata.ChargeAttempt] = "1",
        }), $"charge-{pledge}-1");
        Assert.That(charge.Outcome, Is.EqualTo(ChargeOutcome.Succeeded));
        return new Paid(pledge, charge.PaymentIntentId);
    }
}
