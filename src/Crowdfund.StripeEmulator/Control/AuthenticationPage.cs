using System.Globalization;
using System.Text.Encodings.Web;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Control;

/// <summary>
/// The test-mode 3-D Secure page at <c>next_action.redirect_to_url.url</c>: plain HTML with no outside resources,
/// "Complete" and "Fail" buttons. After a choice the holder goes back to the intent's <c>return_url</c>, with the
/// query Stripe adds (<c>payment_intent</c>/<c>setup_intent</c>, its client secret, <c>redirect_status</c>).
/// </summary>
internal static class AuthenticationPage
{
    public static void Map(IEndpointRouteBuilder routes, Emulator emulator)
    {
        routes.MapGet(Challenges.PagePath + "{token}", (string token) => Show(emulator, token));
        routes.MapPost(Challenges.PagePath + "{token}", async (HttpContext context, string token) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return Answer(emulator, context, token, form["outcome"].ToString() == "complete");
        });
    }

    private static IResult Show(Emulator emulator, string token)
    {
        string intentId;
        string what;
        lock (emulator.Store.Gate)
        {
            if (!emulator.Store.Challenges.TryGetValue(token, out var id)) return Page("Nothing to authenticate", "<p>This authentication is over or unknown.</p>", 404);
            intentId = id;
            what = emulator.Store.PaymentIntents.TryGetValue(id, out var payment)
                ? string.Create(CultureInfo.InvariantCulture, $"a payment of {payment.Amount / 100m:0.00} {payment.Currency.ToUpperInvariant()}")
                : "saving a card for later payments";
        }
        var html = $"""
            <p>Stripe emulator, test mode: this page stands in for the card issuer's 3-D Secure challenge.</p>
            <p>Authenticate {Encode(what)} ({Encode(intentId)})?</p>
            <form method="post"><input type="hidden" name="outcome" value="complete"><button type="submit">Complete</button></form>
            <form method="post"><input type="hidden" name="outcome" value="fail"><button type="submit">Fail</button></form>
            """;
        return Page("3-D Secure test page", html, 200);
    }

    private static IResult Answer(Emulator emulator, HttpContext context, string token, bool succeed)
    {
        string? returnUrl;
        string query;
        lock (emulator.Store.Gate)
        {
            if (!emulator.Store.Challenges.TryGetValue(token, out var intentId)) return Page("Nothing to authenticate", "<p>This authentication is over or unknown.</p>", 404);
            var operation = new Operation(emulator, $"{context.Request.Scheme}://{context.Request.Host}");
            var intent = Challenges.Settle(operation, intentId, succeed)!;
            var kind = intentId.StartsWith("seti_", StringComparison.Ordinal) ? "setup_intent" : "payment_intent";
            var status = intent["status"]!.GetValue<string>() is "succeeded" or "processing" ? "succeeded" : "failed";
            returnUrl = emulator.Store.PaymentIntents.TryGetValue(intentId, out var payment) ? payment.ReturnUrl
                : emulator.Store.SetupIntents.TryGetValue(intentId, out var setup) ? setup.ReturnUrl : null;
            query = $"{kind}={Uri.EscapeDataString(intentId)}&{kind}_client_secret={Uri.EscapeDataString(intent["client_secret"]!.GetValue<string>())}&redirect_status={status}";
        }
        if (returnUrl is not null) return Results.Redirect(returnUrl + (returnUrl.Contains('?') ? "&" : "?") + query);
        return Page("Authentication done", succeed ? "<p>Authentication completed. You can close this page.</p>" : "<p>Authentication failed. You can close this page.</p>", 200);
    }

    private static IResult Page(string title, string body, int status) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
        <h1>{Encode(title)}</h1>
        {body}
        </body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: status);

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
