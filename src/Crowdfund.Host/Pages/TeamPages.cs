using Crowdfund.Domain.Rules;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Pages;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The team's pages: sign-in and sign-out, the list of campaigns, and each campaign's live dashboard. The dashboard
/// is sent with its figures drawn (<see cref="DashboardPanels"/>); dashboard.js then redraws the panels the live feed
/// (<see cref="TeamFeed"/>) sends; with scripts off the page reloads itself.
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

    private static async Task<IResult> DashboardAsync(string slug, HttpContext context, TeamFeed feed)
    {
        if (!Identifiers.IsValid(slug) || await feed.ReadAsync(slug, context.RequestAborted) is not { } figures)
            return PageLayout.Send(context, PageLayout.Page("en", "Not found", Html.Of($"<h1>No campaign {slug}</h1>")), 404);
        var panels = DashboardPanels.Render(figures);
        var countries = figures.Dashboard.ConfirmedUnitsByCountry.Keys.Union(figures.Appetite.Select(a => a.Country)).Order(StringComparer.Ordinal);
        var body = Html.Of($"""
            {Bar(context, $"Dashboard: {slug}")}
            <p class="live"><span id="live-state" aria-live="polite">Figures of {DashboardPanels.Moment(figures.Dashboard.AsOf)}</span> · <a href="/team">All campaigns</a></p>
            <noscript><meta http-equiv="refresh" content="10"><p>Without scripts this page reloads every 10 seconds.</p></noscript>
            <div id="dashboard" data-feed="/team/c/{slug}/events" data-live="connecting">
            {DashboardPanels.Layout.Select(p => Html.Of($"""
                <section aria-labelledby="{p.Id}-title" class="panel{(p.Wide ? " wide" : "")}"><h2 id="{p.Id}-title">{p.Title}</h2><div id="{p.Id}" data-version="{DashboardPanels.Version(panels[p.Id])}">{panels[p.Id]}</div></section>
                """))}
            </div>
            <section class="panel wide exports" aria-labelledby="exports-title">
            <h2 id="exports-title">Exports (personal data: keep them safe)</h2>
            <p>All countries: <a href="/team/c/{slug}/pledges.csv">pledges</a>, <a href="/team/c/{slug}/backers.csv">backers</a></p>
            <ul>{countries.Select(c => Html.Of($"""<li>{c}: <a href="/team/c/{slug}/pledges.csv?country={c}">pledges</a>, <a href="/team/c/{slug}/backers.csv?country={c}">backers</a></li>"""))}</ul>
            </section>
            """);
        return PageLayout.Send(context, PageLayout.Page("en", $"Dashboard: {slug}", body, "dashboard.js"));
    }
}
