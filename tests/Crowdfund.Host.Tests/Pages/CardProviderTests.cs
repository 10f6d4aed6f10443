using Crowdfund.Host.Pages;
using Crowdfund.Infrastructure.Payments;
using Microsoft.AspNetCore.Http;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>
/// The card step as drawn for each provider. The Stripe path itself (Stripe.js, its card field and 3-D Secure frame)
/// needs Stripe's servers, which nothing here reaches: only what the page is sent is checked.
/// </summary>
public sealed class CardProviderTests
{
    [Test]
    public void With_the_emulator_the_card_step_offers_its_test_cards_and_the_page_loads_nothing_from_elsewhere()
    {
        var emulator = new StripeOptions { ApiBase = "http://127.0.0.1:12111", PublishableKey = "pk_test_emulator" };
        var step = BackerPage.CardStep(Guid.NewGuid(), "token", emulator, PageTexts.For("en")).Value;
        Assert.That(step, Does.Contain("id=\"test-card\"").And.Contain("data-stripe-key=\"\"").And.Not.Contain("card-element"));
        Assert.That(Policy(emulator), Does.Contain("connect-src 'self' http://127.0.0.1:12111;").And.Contain("script-src 'self';")
            .And.Contain("frame-src 'none'").And.Not.Contain("stripe.com"));
    }

    [Test]
    public void Against_Stripe_the_card_step_has_Stripe_js_card_field_and_only_that_page_may_load_Stripe_js()
    {
        var stripe = new StripeOptions { ApiBase = null, PublishableKey = "pk_live_example" };
        var step = BackerPage.CardStep(Guid.NewGuid(), "token", stripe, PageTexts.For("en")).Value;
        Assert.That(step, Does.Contain("id=\"card-element\"").And.Contain("data-stripe-key=\"pk_live_example\"").And.Not.Contain("test-card"));
        Assert.That(Policy(stripe), Does.Contain("script-src 'self' https://js.stripe.com;").And.Contain("connect-src 'self' https://api.stripe.com;")
            .And.Contain("frame-src https://js.stripe.com https://hooks.stripe.com;"));
        Assert.That(Policy(null), Does.Contain("script-src 'self';").And.Contain("frame-src 'none'"), "a page without the card step");
    }

    private static string Policy(StripeOptions? payments)
    {
        var context = new DefaultHttpContext();
        PageLayout.Send(context, Html.Empty, payments: payments);
        return context.Response.Headers.ContentSecurityPolicy.ToString();
    }
}
