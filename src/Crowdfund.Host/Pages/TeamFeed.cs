using System.Text;
using System.Text.Json;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Pages;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Pages;

/// <summary>Everything the dashboard draws, in one message.</summary>
/// <param name="Collection">The collection run, once the campaign has ended; null before.</param>
/// <param name="Money">Units and money of counting pledges by country, each currency on its own line.</param>
internal sealed record TeamFigures(
    Dashboard Dashboard, CollectionView? Collection, IReadOnlyList<CountryAppetite> Appetite, IReadOnlyList<CountryMoney> Money);

/// <summary>
/// The dashboard's live feed, as server-sent events: a message whenever the figures change, looked at four times a
/// second. The dashboard comes from <see cref="DashboardCache"/> (one grain call per moment however many watch); the
/// appetite and the money by country, read from PostgreSQL, every second per watcher. EventSource reconnects by itself.
/// </summary>
internal sealed class TeamFeed(DashboardCache dashboards, IGrainFactory grains, PagesStore store, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(15);
    private const int AppetiteEvery = 4; // looks: a second

    public static void Map(RouteGroupBuilder team) =>
        team.MapGet("/c/{slug}/events", (string slug, HttpContext context, TeamFeed feed) => feed.StreamAsync(slug, context));

    public async Task<TeamFigures?> ReadAsync(string slug, bool withAppetite, CancellationToken cancellationToken,
        TeamFigures? previous = null)
    {
        if (await dashboards.GetAsync(slug) is not { } bytes) return null;
        var dashboard = JsonSerializer.Deserialize<Dashboard>(bytes, json.Value.SerializerOptions)!;
        CollectionView? collection = null;
        if (dashboard.Status is CampaignStatus.Succeeded or CampaignStatus.Failed)
            collection = (await grains.GetGrain<ICollectionGrain>(slug).GetAsync()).Collection;
        if (!withAppetite && previous is not null) return previous with { Dashboard = dashboard, Collection = collection };
        var (appetite, money) = await store.ReadAppetiteAsync(slug, cancellationToken);
        return new TeamFigures(dashboard, collection, appetite, money);
    }

    private async Task StreamAsync(string slug, HttpContext context)
    {
        var aborted = context.RequestAborted;
        if (!Identifiers.IsValid(slug) || await ReadAsync(slug, true, aborted) is not { } figures)
        {
            context.Response.StatusCode = 404;
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        // A proxy that buffers would hold the events back: ask it not to.
        response.Headers["X-Accel-Buffering"] = "no";
        var last = "";
        var quietSince = DateTime.UtcNow;
        try
        {
            for (var look = 0; !aborted.IsCancellationRequested; look++)
            {
                if (look > 0) figures = await ReadAsync(slug, look % AppetiteEvery == 0, aborted, figures) ?? figures;
                // AsOf moves with every read of the grain; the figures changed only if the rest did.
                var text = JsonSerializer.Serialize(figures with { Dashboard = figures.Dashboard with { AsOf = default } }, json.Value.SerializerOptions);
                if (text != last)
                {
                    last = text;
                    await response.WriteAsync($"data: {JsonSerializer.Serialize(figures, json.Value.SerializerOptions)}\n\n", Encoding.UTF8, aborted);
                    await response.Body.FlushAsync(aborted);
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAliveEvery)
                {
                    await response.WriteAsync(": still here\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(LookEvery, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page was closed.
        }
    }
}
