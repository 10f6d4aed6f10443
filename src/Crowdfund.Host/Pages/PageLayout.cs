using System.Globalization;
using Crowdfund.Infrastructure.Messaging.Backers;

namespace Crowdfund.Host.Pages;

/// <summary>The frame of every page, and amounts and moments written for the reader the way the backers' mail writes them.</summary>
internal static class PageLayout
{
    public static Html Page(string language, string title, Html body, params string[] scripts) => Html.Of($"""
        <!doctype html>
        <html lang="{language}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title>
        <link rel="stylesheet" href="{StaticAssets.Url("site.css")}">
        {scripts.Select(s => Html.Of($"""<script src="{StaticAssets.Url(s)}" defer></script>"""))}
        </head>
        <body>
        <main id="main">
        {body}
        </main>
        </body>
        </html>
        """);

    /// <summary>
    /// What every page answers with: no caching of personal or live figures, no framing, and scripts and styles from
    /// this host only. A page with the card step (<paramref name="payments"/>) may also reach the payment provider: the
    /// emulator, which its script calls; or Stripe, whose Stripe.js (script and card frames) must come from Stripe
    /// itself, the one thing a page loads from elsewhere, and only where a card is entered.
    /// </summary>
    public static IResult Send(HttpContext context, Html page, int status = 200, Infrastructure.Payments.StripeOptions? payments = null)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var (connect, scripts, frames) = payments switch
        {
            null => ("", "", "'none'"),
            { ApiBase: { Length: > 0 } emulator } => (emulator, "", "'none'"),
            _ => ("https://api.stripe.com", " https://js.stripe.com", "https://js.stripe.com https://hooks.stripe.com"),
        };
        headers.ContentSecurityPolicy =
            $"default-src 'self'; connect-src 'self' {connect}; img-src 'self' data:; style-src 'self'; script-src 'self'{scripts}; frame-src {frames}; frame-ancestors 'none'; form-action 'self'";
        return page.ToResult(status);
    }

    public static CultureInfo Culture(string language, string country) => BackerCulture.Resolve(language, country);

    public static string Money(long minorUnits, string currency, CultureInfo culture) => Infrastructure.Messaging.Backers.Money.Format(minorUnits, currency, culture);

    public static string Moment(DateTimeOffset moment, CultureInfo culture, string country) =>
        BackerDates.Format(moment, culture, country, (date, time) => $"{date} {time}");

    public static string Percent(int basisPoints, CultureInfo culture) =>
        (basisPoints / 10_000m).ToString("P" + (basisPoints % 100 == 0 ? "0" : "2"), culture);
}
