using System.Net;
using System.Text.Json;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class SetupIntentTests : EmulatorTests
{
    [Test]
    public async Task A_card_is_saved_off_session_by_a_server_side_confirm_and_attached_to_the_customer()
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("setup") });

        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            Usage = "off_session",
            AllowedPaymentMethodTypes = ["card"],
            Metadata = new Dictionary<string, string> { ["pledge"] = "pl_1" },
            PaymentMethod = "pm_card_visa",
            Confirm = true,
            Expand = ["payment_method", "customer"],
        });

        Assert.That(setup.Status, Is.EqualTo("succeeded"));
        Assert.That(setup.Usage, Is.EqualTo("off_session"));
        Assert.That(setup.ClientSecret, Does.StartWith(setup.Id + "_secret_"));
        Assert.That(setup.Metadata["pledge"], Is.EqualTo("pl_1"));
        Assert.That(setup.Customer.Email, Is.EqualTo(customer.Email));
        var card = setup.PaymentMethod;
        Assert.That(card.Id, Does.StartWith("pm_").And.Not.EqualTo("pm_card_visa"));
        Assert.That(card.CustomerId, Is.EqualTo(customer.Id));
        Assert.That(card.Card.Brand, Is.EqualTo("visa"));
        Assert.That(card.Card.Last4, Is.EqualTo("4242"));
        Assert.That(card.Card.ExpYear, Is.GreaterThan(DateTime.UtcNow.Year));

        var saved = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id, Type = "card" });
        Assert.That(saved.Data.Select(m => m.Id), Is.EqualTo(new[] { card.Id }));
        var ofCustomer = await stripe.V1.SetupIntents.ListAsync(new SetupIntentListOptions { Customer = customer.Id });
        Assert.That(ofCustomer.Data.Single().Id, Is.EqualTo(setup.Id));
        var types = server.Events().Where(e => e.ObjectId == setup.Id || e.ObjectId == card.Id).Select(e => e.Type);
        Assert.That(types, Is.EqualTo(new[] { "setup_intent.created", "payment_method.attached", "setup_intent.succeeded" }));
    }

    [Test]
    public async Task The_browser_confirms_with_the_publishable_key_and_client_secret_and_nothing_else()
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("browser") });
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Customer = customer.Id, Usage = "off_session" });
        Assert.That(setup.Status, Is.EqualTo("requires_payment_method"));
        using var browser = Emulated.Browser(server);

        var wrongSecret = await browser.PostAsync($"/v1/setup_intents/{setup.Id}/confirm", Form(
            ("payment_method", "pm_card_visa"), ("client_secret", setup.Id + "_secret_wrong"), ("key", server.PublishableKey)));
        Assert.That(wrongSecret.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var error = JsonDocument.Parse(await wrongSecret.Content.ReadAsStringAsync()))
        {
            Assert.That(error.RootElement.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo("client_secret"));
        }

        var confirmed = await browser.PostAsync($"/v1/setup_intents/{setup.Id}/confirm", Form(
            ("payment_method_data[type]", "card"), ("payment_method_data[card][number]", "4242 4242 4242 4242"),
            ("payment_method_data[card][exp_month]", "12"), ("payment_method_data[card][exp_year]", "2034"),
            ("client_secret", setup.ClientSecret), ("key", server.PublishableKey)));
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await confirmed.Content.ReadAsStringAsync());

        var seen = await stripe.V1.SetupIntents.GetAsync(setup.Id, new SetupIntentGetOptions { Expand = ["payment_method"] });
        Assert.That(seen.Status, Is.EqualTo("succeeded"));
        Assert.That(seen.PaymentMethod.CustomerId, Is.EqualTo(customer.Id));
        Assert.That(seen.PaymentMethod.Card.ExpYear, Is.EqualTo(2034));

        var listing = await browser.PostAsync("/v1/customers", Form(("email", "x@example.com"), ("key", server.PublishableKey)));
        Assert.That(listing.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        // The publishable key as a bearer token works the same, here with a test payment method id.
        var second = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Customer = customer.Id, Usage = "off_session" });
        using var bearer = new HttpRequestMessage(HttpMethod.Post, $"/v1/setup_intents/{second.Id}/confirm")
        {
            Content = Form(("payment_method", "pm_card_visa"), ("client_secret", second.ClientSecret)),
        };
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.PublishableKey);
        var byBearer = await browser.SendAsync(bearer);
        Assert.That(byBearer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await byBearer.Content.ReadAsStringAsync());
        var saved = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id });
        Assert.That(saved.Data.Select(m => m.Card.Last4), Is.EqualTo(new[] { "4242", "4242" }));
    }

    [TestCase("pm_card_chargeDeclined", "generic_decline")]
    [TestCase("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task A_declined_card_at_setup_is_a_402_card_error_carrying_the_intent(string testCard, string declineCode)
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("declined") });

        var declined = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            Usage = "off_session",
            PaymentMethod = testCard,
            Confirm = true,
        }));

        Assert.That(declined!.HttpStatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(declined.StripeError.Type, Is.EqualTo("card_error"));
        Assert.That(declined.StripeError.Code, Is.EqualTo("card_declined"));
        Assert.That(declined.StripeError.DeclineCode, Is.EqualTo(declineCode));
        Assert.That(declined.StripeError.SetupIntent.Status, Is.EqualTo("requires_payment_method"));
        Assert.That(declined.StripeError.SetupIntent.LastSetupError.DeclineCode, Is.EqualTo(declineCode));
        var after = await stripe.V1.SetupIntents.GetAsync(declined.StripeError.SetupIntent.Id);
        Assert.That(after.LastSetupError.Code, Is.EqualTo("card_declined"));
        Assert.That(after.PaymentMethodId, Is.Null);
        var saved = await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id });
        Assert.That(saved.Data, Is.Empty);
        Assert.That(server.Events().Any(e => e.Type == "setup_intent.setup_failed" && e.ObjectId == after.Id), Is.True);
    }

    [Test]
    public async Task A_card_asking_for_authentication_waits_on_the_test_page_until_completed()
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("3ds") });
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            Usage = "off_session",
            PaymentMethod = "pm_card_authenticationRequired",
            Confirm = true,
            ReturnUrl = "https://crowdfund.example/pledges/back",
        });

        Assert.That(setup.Status, Is.EqualTo("requires_action"));
        Assert.That(setup.NextAction.Type, Is.EqualTo("redirect_to_url"));
        var page = setup.NextAction.RedirectToUrl.Url;
        Assert.That(page, Does.StartWith(server.BaseUrl + "/_emulator/3ds/"));
        Assert.That(setup.NextAction.RedirectToUrl.ReturnUrl, Is.EqualTo("https://crowdfund.example/pledges/back"));

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var html = await browser.GetStringAsync(page);
        Assert.That(html, Does.Contain("Complete").And.Contain("Fail").And.Not.Contain("<script"));
        var completed = await browser.PostAsync(page, Form(("outcome", "complete")));
        Assert.That(completed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(completed.Headers.Location!.ToString(), Does.StartWith("https://crowdfund.example/pledges/back?setup_intent=" + setup.Id).And.EndWith("redirect_status=succeeded"));

        var done = await stripe.V1.SetupIntents.GetAsync(setup.Id, new SetupIntentGetOptions { Expand = ["payment_method"] });
        Assert.That(done.Status, Is.EqualTo("succeeded"));
        Assert.That(done.NextAction, Is.Null);
        Assert.That(done.PaymentMethod.CustomerId, Is.EqualTo(customer.Id));
        Assert.That((await browser.GetAsync(page)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a challenge is settled once");
        var types = server.Events().Where(e => e.ObjectId == setup.Id).Select(e => e.Type);
        Assert.That(types, Is.EqualTo(new[] { "setup_intent.created", "setup_intent.requires_action", "setup_intent.succeeded" }));
    }

    [Test]
    public async Task A_failed_authentication_through_the_control_endpoint_leaves_the_intent_waiting_for_another_card()
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("3ds-fail") });
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id,
            PaymentMethod = "pm_card_authenticationRequiredOnSetup",
            Confirm = true,
        });
        Assert.That(setup.Status, Is.EqualTo("requires_action"));

        using var control = Emulated.Control(server);
        var failed = await control.PostAsync($"/_emulator/intents/{setup.Id}/authentication",
            new StringContent("""{"outcome":"fail"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await failed.Content.ReadAsStringAsync());

        var after = await stripe.V1.SetupIntents.GetAsync(setup.Id);
        Assert.That(after.Status, Is.EqualTo("requires_payment_method"));
        Assert.That(after.LastSetupError.Code, Is.EqualTo("setup_intent_authentication_failure"));
        Assert.That(server.Events().Last(e => e.ObjectId == setup.Id).Type, Is.EqualTo("setup_intent.setup_failed"));

        var retried = await stripe.V1.SetupIntents.ConfirmAsync(setup.Id, new SetupIntentConfirmOptions { PaymentMethod = "pm_card_mastercard" });
        Assert.That(retried.Status, Is.EqualTo("succeeded"));
        var canceled = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.SetupIntents.CancelAsync(setup.Id));
        Assert.That(canceled!.StripeError.Code, Is.EqualTo("setup_intent_unexpected_state"));
    }

    [Test]
    public async Task A_pending_setup_is_canceled()
    {
        var setup = await stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions { Usage = "off_session" });

        var canceled = await stripe.V1.SetupIntents.CancelAsync(setup.Id, new SetupIntentCancelOptions { CancellationReason = "abandoned" });

        Assert.That(canceled.Status, Is.EqualTo("canceled"));
        Assert.That(canceled.CancellationReason, Is.EqualTo("abandoned"));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
