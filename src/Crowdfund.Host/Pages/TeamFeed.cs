using System.Text;
using System.Text.Json;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Pages;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Payments;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Pages;

/// <summary>Everything the dashboard draws.</summary>
/// <param name="Collection">The collection run, once the campaign has ended; null before.</param>
/// <param name="Money">Units and money of counting pledges by country, each currency on its own line.</param>
/// <param name="Fulfilment">The handoff to the partner, once the campaign succeeded; null before.</param>
internal sealed record TeamFigures(
    Dashboard Dashboard, CollectionView? Collection, IReadOnlyList<CountryAppetite> Appetite, IReadOnlyList<CountryMoney> Money,
    FulfilmentView? Fulfilment);

/// <summary>
/// The dashboard's live feed, as server-sent events. On connect it sends every panel at once (the browser then knows
/// the feed is up); after that, only the panels whose markup changed. The campaign's figures come from
/// <see cref="DashboardCache"/> (one grain call per moment however many watch), looked at ten times a second and
/// redrawn only when the cache holds a new answer; the figures read from PostgreSQL (appetite, money, collection)
/// every second, and the pipeline of batches, the heaviest read, every five.
/// </summary>
internal sealed class TeamFeed(DashboardCache dashboards, IGrainFactory grains, PagesStore store, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);
    private const int DatabaseEvery = 10; // looks: a second
    private const int PipelineEvery = 50; // five seconds

    private static readonly JsonSerializerOptions FrameJson = new(JsonSerializerDefaults.Web);

    // How soon EventSource reconnects after a lost connection (browsers wait about 3 s by default).
    private const int RetryMilliseconds = 1000;

    public static void Map(RouteGroupBuilder team) =>
        team.MapGet("/c/{slug}/events", (string slug, HttpContext context, TeamFeed feed) => feed.StreamAsync(slug, context));

    /// <summary>Every figure of the dashboard, or null when there is no such campaign.</summary>
    public async Task<TeamFigures?> ReadAsync(string slug, CancellationToken cancellationToken) =>
        await dashboards.GetAsync(slug) is { } bytes
            ? await ReadStoredAsync(slug, Dashboard(bytes), null, withPipeline: true, cancellationToken)
            : null;

    private Dashboard Dashboard(byte[] bytes) => JsonSerializer.Deserialize<Dashboard>(bytes, json.Value.SerializerOptions)!;

    /// <summary>The figures that come from PostgreSQL and the collection and fulfilment grains, around a dashboard.</summary>
    private async Task<TeamFigures> ReadStoredAsync(string slug, Dashboard dashboard, TeamFigures? previous, bool withPipeline,
        CancellationToken cancellationToken)
    {
        var appetite = store.ReadAppetiteAsync(slug, cancellationToken);
        var collection = dashboard.Status is CampaignStatus.Succeeded or CampaignStatus.Failed
            ? (await grains.GetGrain<ICollectionGrain>(slug).GetAsync()).Collection : null;
        var fulfilment = !withPipeline ? previous?.Fulfilment
            : dashboard.Status == CampaignStatus.Succeeded ? (await grains.GetGrain<IFulfilmentGrain>(slug).GetAsync()).Fulfilment : null;
        var (countries, money) = await appetite;
        return new TeamFigures(dashboard, collection, countries, money, fulfilment);
    }

    private async Task StreamAsync(string slug, HttpContext context)
    {
        var aborted = context.RequestAborted;
        if (!Identifiers.IsValid(slug) || await dashboards.GetAsync(slug) is not { } bytes)
        {
            context.Response.StatusCode = 404;
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        // A proxy that buffers would hold the events back: ask it not to.
        response.Headers["X-Accel-Buffering"] = "no";
        var sent = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            // The answer's head goes out at once, so the browser's EventSource is open before the first read is done.
            await response.WriteAsync($"retry: {RetryMilliseconds}\n\n", aborted);
            await response.Body.FlushAsync(aborted);
            var figures = await ReadStoredAsync(slug, Dashboard(bytes), null, withPipeline: true, aborted);
            await SendAsync(response, Changed(figures, sent), aborted);
            var quietSince = DateTime.UtcNow;
            for (var look = 1; !aborted.IsCancellationRequested; look++)
            {
                await Task.Delay(LookEvery, aborted);
                var latest = await dashboards.GetAsync(slug);
                // The cache hands out the same bytes until it asks the grain again: only a new answer is read.
                var fresh = latest is not null && !ReferenceEquals(latest, bytes);
                if (fresh) (bytes, figures) = (latest!, figures with { Dashboard = Dashboard(latest!) });
                var stored = look % DatabaseEvery == 0;
                if (stored) figures = await ReadStoredAsync(slug, figures.Dashboard, figures, look % PipelineEvery == 0, aborted);
                var changed = fresh || stored ? Changed(figures, sent) : [];
                if (changed.Count > 0)
                {
                    await SendAsync(response, changed, aborted);
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAliveEvery)
                {
                    await response.WriteAsync(": still here\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                    quietSince = DateTime.UtcNow;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page was closed.
        }
    }

    /// <summary>A panel as the feed sends it: its markup and that markup's <see cref="DashboardPanels.Version"/>.</summary>
    private sealed record Panel(string Version, string Html);

    /// <summary>The panels whose markup differs from what was last sent (every panel the first time); remembers them as sent.</summary>
    private static Dictionary<string, Panel> Changed(TeamFigures figures, Dictionary<string, string> sent)
    {
        var changed = new Dictionary<string, Panel>(StringComparer.Ordinal);
        foreach (var (id, html) in DashboardPanels.Render(figures))
        {
            if (sent.TryGetValue(id, out var before) && before == html.Value) continue;
            sent[id] = html.Value;
            changed[id] = new Panel(DashboardPanels.Version(html), html.Value);
        }
        return changed;
    }

    /// <summary>One event: the changed panels by element id, as JSON on one data line.</summary>
    private static async Task SendAsync(HttpResponse response, Dictionary<string, Panel> panels, CancellationToken aborted)
    {
        await response.WriteAsync($"data: {JsonSerializer.Serialize(panels, FrameJson)}\n\n", Encoding.UTF8, aborted);
        await response.Body.FlushAsync(aborted);
    }
}
