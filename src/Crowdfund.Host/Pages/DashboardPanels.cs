using System.Globalization;
using Crowdfund.Infrastructure.Pages;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Payments;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The inside of each of the dashboard's panels, drawn on the server from the figures: the page is sent with them
/// (it reads with scripts off), and the live feed sends a panel again whenever its markup changed. One renderer for
/// both, so the first view and the live one cannot disagree.
/// </summary>
internal static class DashboardPanels
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    /// <summary>The panels' element ids, in page order, with their headings.</summary>
    public static readonly IReadOnlyList<(string Id, string Title, bool Wide)> Layout =
    [
        ("goal", "Goal", true), ("pace", "Pace and forecast", false), ("countries", "By country", false),
        ("tiers", "By tier", false), ("milestones", "Milestones", false), ("appetite", "Appetite by country", true),
        ("collection", "Collection", true), ("pipeline", "Batches to the manufacturer", true),
    ];

    public static Dictionary<string, Html> Render(TeamFigures f) => new(StringComparer.Ordinal)
    {
        ["goal"] = Goal(f.Dashboard), ["pace"] = Pace(f.Dashboard), ["countries"] = Countries(f), ["tiers"] = Tiers(f.Dashboard),
        ["milestones"] = Milestones(f.Dashboard), ["appetite"] = Appetite(f.Appetite), ["collection"] = Collection(f.Collection),
        ["pipeline"] = Pipeline(f.Fulfilment),
    };

    /// <summary>
    /// A short fingerprint of a panel's markup, the same on every silo: the page and the feed label each panel with it,
    /// so the browser leaves alone a panel the feed sends as it already is (its first frame sends every panel).
    /// </summary>
    public static string Version(Html panel) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(panel.Value)))[..12];

    /// <summary>A moment for the team, in UTC: the team is one office, and one clock on every screen avoids confusion.</summary>
    public static string Moment(DateTimeOffset? at) =>
        at is { } a ? a.ToUniversalTime().ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    private static string N(long n) => n.ToString("N0", English);

    private static string Money(long minor, string currency) => PageLayout.Money(minor, currency, English);

    private static string MoneyLine(IReadOnlyDictionary<string, long> byCurrency) =>
        string.Join(" · ", byCurrency.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Money(c.Value, c.Key)));

    private static string Percent(long part, long whole) =>
        whole > 0 ? (part / (double)whole).ToString("0.#%", CultureInfo.InvariantCulture).Replace("%", " %", StringComparison.Ordinal) : "—";

    private static Html Table(string caption, string[] headers, IEnumerable<string[]> rows) => Html.Of($"""
        <table><caption>{caption}</caption>
        <tr>{headers.Select(h => Html.Of($"<th scope=\"col\">{h}</th>"))}</tr>
        {rows.Select(r => Html.Of($"<tr><th scope=\"row\">{r[0]}</th>{r.Skip(1).Select(c => Html.Of($"<td>{c}</td>"))}</tr>"))}
        </table>
        """);

    private static Html Goal(Dashboard d)
    {
        var crossed = d.Events.FirstOrDefault(e => e.Kind.Contains("manufacturing", StringComparison.OrdinalIgnoreCase));
        var chart = Charts.Bars("Confirmed and reserved units against the goal",
            [new Charts.Bar("Units", d.ConfirmedUnits, d.ReservedUnits, $"{N(d.ConfirmedUnits)} / {N(d.GoalUnits)}")], d.GoalUnits, d.GoalUnits);
        var money = MoneyLine(d.ConfirmedMoneyByCurrency);
        return Html.Of($"""
            <p class="big" id="confirmed-units" data-units="{d.ConfirmedUnits}" data-reserved="{d.ReservedUnits}">{N(d.ConfirmedUnits)} of {N(d.GoalUnits)} units confirmed ({Percent(d.ConfirmedUnits, d.GoalUnits)}), {N(d.ReservedUnits)} reserved, {N(d.Backers)} {(d.Backers == 1 ? "backer" : "backers")}</p>
            {chart}
            <p id="crossed">{(crossed is null ? "Goal not reached yet." : $"Goal crossed {Moment(crossed.OccurredAt)}: manufacturing confirmed.")}</p>
            <p>Confirmed money: {(money.Length > 0 ? money : "none yet")} · status {d.Status.ToString()}, deadline {Moment(d.Deadline)}</p>
            """);
    }

    private static Html Pace(Dashboard d)
    {
        var chart = Charts.Pace("Confirmed units over time, with the forecast to the goal",
            d.Events.Select(e => (e.OccurredAt, e.ConfirmedUnits)).ToList(), d.AsOf, d.ConfirmedUnits, d.GoalUnits, d.EstimatedGoalAt);
        return Html.Of($"""
            <p class="big">{d.VelocityUnitsPerHour.ToString("#,0.#", English)} units/hour</p>
            {chart}
            <p>{(d.EstimatedGoalAt is { } at ? $"Forecast: goal reached {Moment(at)}" : "No forecast: goal reached or no pace yet.")}</p>
            """);
    }

    private static Html Countries(TeamFigures f)
    {
        var d = f.Dashboard;
        var codes = d.ConfirmedUnitsByCountry.Keys.Union(d.ReservedUnitsByCountry.Keys).Order(StringComparer.Ordinal).ToList();
        var chart = Charts.Bars("Units by country: confirmed, then reserved", codes.Select(c =>
        {
            int confirmed = d.ConfirmedUnitsByCountry.GetValueOrDefault(c), reserved = d.ReservedUnitsByCountry.GetValueOrDefault(c);
            return new Charts.Bar(c, confirmed, reserved, $"{N(confirmed)} (+{N(reserved)})");
        }).ToList());
        return Html.Of($"""
            {(codes.Count == 0 ? Html.Of($"<p>No pledge yet.</p>") : chart)}
            {Table("Confirmed money by country, each currency on its own line", ["Country", "Currency", "Units", "Money"],
                f.Money.Select(m => new[] { m.Country, m.Currency, N(m.Units), Money(m.Total, m.Currency) }))}
            """);
    }

    private static Html Tiers(Dashboard d) => Html.Of($"""
        {Charts.Bars("Confirmed units by tier", d.Tiers.Select(t => new Charts.Bar(t.TierId, t.ConfirmedUnits, t.ReservedUnits, $"{N(t.ConfirmedUnits)} (+{N(t.ReservedUnits)})")).ToList())}
        {Table("Tiers", ["Tier", "Backers", "Remaining", "Money"], d.Tiers.Select(t => new[]
        {
            t.TierId, N(t.ConfirmedBackers), t.Remaining is { } left ? N(left) : "unlimited",
            MoneyLine(t.ConfirmedMoneyByCurrency) is { Length: > 0 } money ? money : "—",
        }))}
        """);

    private static Html Milestones(Dashboard d) => d.Events.Count == 0 ? Html.Of($"<p>No milestone yet.</p>") : Html.Of($"""
        <ol class="events">{d.Events.OrderBy(e => e.OccurredAt).Select(e => Html.Of($"<li>{e.Kind} — {Moment(e.OccurredAt)} at {N(e.ConfirmedUnits)} units</li>"))}</ol>
        """);

    private static Html Appetite(IReadOnlyList<CountryAppetite> appetite) => appetite.Count == 0 ? Html.Of($"<p>No page view or pledge yet.</p>") : Html.Of($"""
        {Charts.Bars("Reservations per country, and how many saved a card", appetite.Select(a => new Charts.Bar(a.Country, a.SavedCards, a.Reservations - a.SavedCards, $"{N(a.SavedCards)}/{N(a.Reservations)}")).ToList())}
        {Table("Page views, reservations, saved cards and collected pledges per country, with the conversion at each step",
            ["Country", "Views", "Reserved", "Card saved", "Collected", "View→reserve", "Reserve→card", "Card→collected", "Abandoned"],
            appetite.Select(a => new[]
            {
                a.Country, N(a.Views), N(a.Reservations), N(a.SavedCards), N(a.Collected), Percent(a.Reservations, a.Views),
                Percent(a.SavedCards, a.Reservations), Percent(a.Collected, a.SavedCards), Percent(a.Abandoned, a.Reservations),
            }))}
        """);

    private static Html Collection(CollectionView? c)
    {
        if (c is null) return Html.Of($"<p>Collection starts when the campaign ends successfully.</p>");
        int Count(PledgeStatus status) => c.Pledges.GetValueOrDefault(status);
        var charged = Count(PledgeStatus.Collected) + Count(PledgeStatus.PartiallyRefunded) + Count(PledgeStatus.Refunded) + Count(PledgeStatus.Disputed);
        var state = c.Status switch
        {
            CollectionStatus.Paused => "paused",
            CollectionStatus.Finished => $"finished {Moment(c.FinishedAt)}",
            _ => "running",
        };
        var what = c.Kind == CollectionKind.Collect ? "Charging" : "Releasing the cards";
        return Html.Of($"""
            <p class="big" id="collection-state" data-status="{c.Status.ToString()}">{what}: {state}, started {Moment(c.StartedAt)}</p>
            <dl class="figures" id="collection-figures">
            <div><dt>Charged</dt><dd data-figure="charged">{N(charged)}</dd></div>
            <div><dt>Failed</dt><dd data-figure="failed">{N(Count(PledgeStatus.PaymentFailed))}</dd></div>
            <div><dt>Action required</dt><dd data-figure="action-required">{N(Count(PledgeStatus.ActionRequired))}</dd></div>
            <div><dt>Remaining</dt><dd data-figure="remaining">{N(c.Remaining)}</dd></div>
            <div><dt>Dropped</dt><dd data-figure="dropped">{N(Count(PledgeStatus.Dropped))}</dd></div>
            <div><dt>Rate</dt><dd>{c.ChargesPerSecond.ToString("0.#", English)} charges/s</dd></div>
            <div><dt>Estimated end</dt><dd>{(c.Status == CollectionStatus.Finished ? "done" : Moment(c.EstimatedEnd))}</dd></div>
            </dl>
            {Charts.Bars("Collected units, and units that may still be collected, against the goal",
                [new Charts.Bar("Collected", c.CollectedUnits, Math.Max(0, c.CollectableUnits - c.CollectedUnits), $"{N(c.CollectedUnits)} / {N(c.GoalUnits)}")], c.GoalUnits, c.GoalUnits)}
            {Html.When(c.BelowGoal, Html.Of($"<p class=\"error\">What can still be collected is below the goal.</p>"))}
            {Table("Collected and dropped by country, each currency on its own line", ["Country", "Currency", "Collected units", "Collected", "Refunded", "Dropped units"],
                c.ByCountry.Select(x => new[] { x.Key, x.Currency, N(x.CollectedUnits), Money(x.Collected, x.Currency), Money(x.Refunded, x.Currency), N(x.DroppedUnits) }))}
            """);
    }

    private static Html Pipeline(FulfilmentView? f)
    {
        if (f is null) return Html.Of($"<p>No batches yet: they are made after collection.</p>");
        var waiting = f.Waiting is { } w ? Html.Of($"<p id=\"pipeline-waiting\">Orders not frozen yet: {w}.</p>")
            : Html.Of($"<p id=\"pipeline-waiting\">Orders frozen {Moment(f.FrozenAt)} into {N(f.Batches.Count)} {(f.Batches.Count == 1 ? "batch" : "batches")} for {f.PartnerId ?? "the partner"}.</p>");
        if (f.Countries.Count == 0) return waiting;
        return Html.Of($"""
            {waiting}
            {Charts.Bars("Orders per country: acknowledged by the partner, then the rest", f.Countries.Select(c => new Charts.Bar(c.Country, c.Acknowledged, c.Orders - c.Acknowledged, $"{N(c.Acknowledged)}/{N(c.Orders)}")).ToList())}
            {Table("Orders per country at each step to the backers", ["Country", "Orders", "Batched", "Delivered", "Acknowledged", "Shipped"],
                f.Countries.Select(c => new[] { c.Country, N(c.Orders), N(c.Batched), N(c.Delivered), N(c.Acknowledged), N(c.Shipped) }))}
            {Html.When(f.Attention.Count > 0, Table("Orders the partner has whose pledge is no longer collected: tell the partner", ["Order", "Country", "Batch", "Pledge", "Shipped"],
                f.Attention.Select(a => new[] { a.Reference, a.Country, a.BatchId, a.Status.ToString(), a.Shipped ? "yes" : "no" })))}
            """);
    }
}
