using System.Text.Json;
using Crowdfund.Domain.Rules;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Pages;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The team's pages: sign-in and sign-out, the list of campaigns, and each campaign's live dashboard. The dashboard
/// is drawn by dashboard.js from the live feed (<see cref="TeamFeed"/>); with scripts off it shows the same figures
/// as a table and reloads itself.
/// </summary>
internal static class TeamPages
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/team/sign-in", (HttpContext context) => SignInForm(context, failed: false)).ExcludeFromDescription();
        app.MapPost("/team/sign-in", (Delegate)SignInAsync).ExcludeFromDescription();
        app.MapPost("/team/sign-out", (Delegate)SignOutAsync).ExcludeFromDescription();
        var team = app.MapGroup("/team").AddEndpointFilter(TeamSession.RequireTeam).ExcludeFromDescription();
        team.MapGet("", ListAsync);
        team.MapGet("/c/{slug}", DashboardAsync);
        TeamFeed.Map(team);
        TeamExports.Map(team);
    }

    private static IResult SignInForm(HttpContext context, bool failed) => PageLayout.Send(context, PageLayout.Page("en", "Team sign-in", Html.Of($"""
        <h1>Team sign-in</h1>
        <form method="post" action="/team/sign-in" class="sign-in">
        {TeamSession.Antiforgery(context)}
        <input type="hidden" name="returnUrl" value="{LocalReturn(context.Request.Query["ReturnUrl"])}">
        <label for="key">Team key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required aria-describedby="key-error">
        <p class="error" id="key-error" role="alert">{(failed ? "That is not the team key." : "")}</p>
        <button type="submit">Sign in</button>
        </form>
        """)), failed ? 401 : 200);

    private static async Task<IResult> SignInAsync(HttpContext context)
    {
        if (!await TeamSession.IsValidFormAsync(context)) return BadForm(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!TeamSession.IsTeamKey(context, form["key"])) return SignInForm(context, failed: true);
        await TeamSession.SignInAsync(context);
        return Results.Redirect(LocalReturn(form["returnUrl"]));
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        if (!await TeamSession.IsValidFormAsync(context)) return BadForm(context);
        await TeamSession.SignOutAsync(context);
        return Results.Redirect("/team/sign-in");
    }

    internal static IResult BadForm(HttpContext context) => PageLayout.Send(context, PageLayout.Page("en", "Expired form",
        Html.Of($"""<h1>This form has expired</h1><p><a href="/team">Open the page again</a> and send it once more.</p>""")), 400);

    /// <summary>Only a path of the team's pages: a sign-in link must not send anyone elsewhere.</summary>
    private static string LocalReturn(string? url) =>
        url is { Length: > 0 } && url.StartsWith("/team", StringComparison.Ordinal) && !url.StartsWith("/team//", StringComparison.Ordinal)
            && !url.Contains('\\') ? url : "/team";

    private static async Task<IResult> ListAsync(HttpContext context, PagesStore store)
    {
        var campaigns = await store.ListCampaignsAsync(context.RequestAborted);
        return PageLayout.Send(context, PageLayout.Page("en", "Campaigns", Html.Of($"""
            {Bar(context, "Campaigns")}
            <ul class="campaigns">
            {campaigns.Select(c => Html.Of($"""<li><a href="/team/c/{c.Id}">{c.Id}</a> <span class="status">{c.Status}</span></li>"""))}
            </ul>
            """)));
    }

    private static Html Bar(HttpContext context, string title) => Html.Of($"""
        <header class="team-bar">
        <h1>{title}</h1>
        <form method="post" action="/team/sign-out">{TeamSession.Antiforgery(context)}<button type="submit">Sign out</button></form>
        </header>
        """);

    private static async Task<IResult> DashboardAsync(string slug, HttpContext context, TeamFeed feed, IOptions<JsonOptions> json)
    {
        if (!Identifiers.IsValid(slug) || await feed.ReadAsync(slug, withAppetite: true, context.RequestAborted) is not { } figures)
            return PageLayout.Send(context, PageLayout.Page("en", "Not found", Html.Of($"<h1>No campaign {slug}</h1>")), 404);
        var d = figures.Dashboard;
        var body = Html.Of($"""
            {Bar(context, $"Dashboard: {slug}")}
            <p class="live"><span id="live-state" aria-live="polite">Live</span> · <a href="/team">All campaigns</a></p>
            <div id="dashboard" data-feed="/team/c/{slug}/events">
            <section aria-labelledby="goal-title" class="panel wide"><h2 id="goal-title">Goal</h2><div id="goal"></div></section>
            <section aria-labelledby="pace-title" class="panel"><h2 id="pace-title">Pace and forecast</h2><div id="pace"></div></section>
            <section aria-labelledby="countries-title" class="panel"><h2 id="countries-title">By country</h2><div id="countries"></div></section>
            <section aria-labelledby="tiers-title" class="panel"><h2 id="tiers-title">By tier</h2><div id="tiers"></div></section>
            <section aria-labelledby="milestones-title" class="panel"><h2 id="milestones-title">Milestones</h2><div id="milestones"></div></section>
            <section aria-labelledby="appetite-title" class="panel wide"><h2 id="appetite-title">Appetite by country</h2><div id="appetite"></div></section>
            <section aria-labelledby="collection-title" class="panel wide"><h2 id="collection-title">Collection</h2><div id="collection"></div></section>
            <section aria-labelledby="batches-title" class="panel wide" id="batches-panel">
            <h2 id="batches-title">Batches to the manufacturer</h2>
            <!-- Fulfilment (#17): the batches pipeline per country, from GET /team/v1/campaigns/{slug}/fulfilment, goes here. -->
            <p>No batches yet: they are made after collection.</p>
            </section>
            </div>
            <noscript>
            <meta http-equiv="refresh" content="10">
            <p>Without scripts this page reloads every 10 seconds.</p>
            <table><caption>Confirmed units by country</caption><tr><th scope="col">Country</th><th scope="col">Confirmed</th><th scope="col">Reserved</th></tr>
            {d.ConfirmedUnitsByCountry.Keys.Union(d.ReservedUnitsByCountry.Keys).Order().Select(c => Html.Of($"<tr><th scope=\"row\">{c}</th><td>{d.ConfirmedUnitsByCountry.GetValueOrDefault(c)}</td><td>{d.ReservedUnitsByCountry.GetValueOrDefault(c)}</td></tr>"))}
            </table>
            <p>{d.ConfirmedUnits} of {d.GoalUnits} units confirmed.</p>
            </noscript>
            <section class="panel wide exports" aria-labelledby="exports-title">
            <h2 id="exports-title">Exports (personal data: keep them safe)</h2>
            <p>All countries: <a href="/team/c/{slug}/pledges.csv">pledges</a>, <a href="/team/c/{slug}/backers.csv">backers</a></p>
            <ul>{figures.Dashboard.ConfirmedUnitsByCountry.Keys.Union(figures.Appetite.Select(a => a.Country)).Order().Select(c => Html.Of($"""<li>{c}: <a href="/team/c/{slug}/pledges.csv?country={c}">pledges</a>, <a href="/team/c/{slug}/backers.csv?country={c}">backers</a></li>"""))}</ul>
            </section>
            <script type="application/json" id="initial">{Html.Raw(JsonSerializer.Serialize(figures, json.Value.SerializerOptions))}</script>
            """);
        return PageLayout.Send(context, PageLayout.Page("en", $"Dashboard: {slug}", body, "dashboard.js"));
    }
}
