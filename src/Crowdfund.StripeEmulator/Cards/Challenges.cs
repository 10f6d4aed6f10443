using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Resources;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Cards;

/// <summary>
/// 3-D Secure challenges. An intent that needs its holder answers <c>requires_action</c> with
/// <c>next_action.redirect_to_url.url</c> on the emulator's own test page, where "Complete" or "Fail" settles it,
/// as Stripe's test page does; <c>POST /_emulator/intents/{id}/authentication</c> does the same for tests.
/// </summary>
internal static class Challenges
{
    public const string PagePath = "/_emulator/3ds/";

    /// <summary>Opens a challenge for the intent; returns the test page's URL.</summary>
    public static string Open(Operation operation, string intentId)
    {
        var token = Ids.Random(32);
        operation.Store.Challenges[token] = intentId;
        return operation.BaseUrl + PagePath + token;
    }

    public static void Clear(Operation operation, string? url)
    {
        if (url is not null) operation.Store.Challenges.Remove(url[(url.LastIndexOf('/') + 1)..]);
    }

    public static JsonObject? NextAction(string? url, string? returnUrl) => url is null ? null : new JsonObject
    {
        ["redirect_to_url"] = new JsonObject { ["return_url"] = returnUrl, ["url"] = url },
        ["type"] = "redirect_to_url",
    };

    /// <summary>
    /// Settles the challenge of an intent waiting in <c>requires_action</c>: on success the card is charged or saved
    /// (a card may still decline after authenticating); on failure the intent goes back to
    /// <c>requires_payment_method</c> with Stripe's authentication-failure error. Returns the intent, or null when it
    /// is unknown or waits on no challenge.
    /// </summary>
    public static JsonObject? Settle(Operation operation, string intentId, bool succeed)
    {
        var store = operation.Store;
        if (store.SetupIntents.TryGetValue(intentId, out var setup) && setup.Status == "requires_action")
        {
            var method = store.PaymentMethods[setup.PaymentMethodId!];
            if (succeed) SetupIntents.Settle(operation, setup, method, CardNetwork.Setup(method.Card, authenticated: true));
            else SetupIntents.FailAuthentication(operation, setup, method);
            return SetupIntents.Render(setup);
        }
        if (store.PaymentIntents.TryGetValue(intentId, out var payment) && payment.Status == "requires_action")
        {
            var method = store.PaymentMethods[payment.PaymentMethodId!];
            if (succeed)
            {
                var attempt = CardNetwork.Pay(method.Card, method.SetUpForOffSession, offSession: false, authenticated: true);
                PaymentIntents.Settle(operation, payment, method, attempt);
            }
            else
            {
                PaymentIntents.FailAuthentication(operation, payment, method);
            }
            return PaymentIntents.Render(payment);
        }
        return null;
    }
}
