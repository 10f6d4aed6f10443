using System.Globalization;
using Crowdfund.Infrastructure.Factory;

namespace Crowdfund.Host.Pages;

/// <summary>What the factory reported, as the campaign page and the backer's page show it: the stages, and an order's way to the backer.</summary>
internal static class ProductionNews
{
    /// <summary>The stages posted so far, in date order as the store gives them, each named in the page's language.</summary>
    public static Html Stages(IReadOnlyList<ProductionStage> stages, PageTexts texts, CultureInfo culture) =>
        stages.Count == 0 ? Html.Of($"<p>{texts["noStages"]}</p>") : Html.Of($"""
            <ol class="timeline">
            {stages.Select(s => Html.Of($"""<li data-stage="{s.Stage}"><strong>{texts["stage." + s.Stage]}</strong> — <time datetime="{s.Date}">{Day(s.Date, culture)}</time>{(s.Note is { Length: > 0 } note ? Html.Of($"<br>{note}") : Html.Empty)}</li>"""))}
            </ol>
            """);

    /// <summary>The backer's order: its reference, when it reached the factory, and its shipment with the tracking number.</summary>
    public static Html Order(OrderTracking order, PageTexts texts, CultureInfo culture, string country) => Html.Of($"""
        <section id="order" class="stages" aria-labelledby="order-title">
        <h2 id="order-title">{texts.Format("order", order.Reference)}</h2>
        <ul>
        {Html.When(order.SentToFactoryAt is not null, Html.Of($"<li>{texts.Format("sentToFactory", When(order.SentToFactoryAt, culture, country))}</li>"))}
        {Html.When(order.AcknowledgedByFactoryAt is not null, Html.Of($"<li>{texts.Format("ackByFactory", When(order.AcknowledgedByFactoryAt, culture, country))}</li>"))}
        <li id="shipment">{(order.Shipment is { } s ? Html.Of($"{texts.Format("shipped", When(s.ShippedAt, culture, country), s.Carrier)} {texts["trackingNumber"]} <strong id=\"tracking-number\">{s.TrackingNumber}</strong>") : Html.Of($"{texts["notShipped"]}"))}</li>
        </ul>
        </section>
        """);

    private static string When(DateTimeOffset? at, CultureInfo culture, string country) => at is { } a ? PageLayout.Moment(a, culture, country) : "";

    private static string Day(string date, CultureInfo culture) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToString("D", culture) : date;
}
