using System.Collections.Concurrent;
using System.Text.Json;
using Crowdfund.Grains;
using Crowdfund.Host.Hosting;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>Where the edge gets a campaign's dashboard from.</summary>
public interface IDashboardSource
{
    /// <summary>The dashboard, or null when the campaign does not exist.</summary>
    Task<Dashboard?> LoadAsync(string slug);
}

/// <summary>The campaign grain, which serves its dashboard from memory.</summary>
internal sealed class GrainDashboardSource(IGrainFactory grains) : IDashboardSource
{
    public Task<Dashboard?> LoadAsync(string slug) => grains.GetGrain<ICampaignGrain>(slug).GetDashboardAsync();
}

/// <summary>
/// Keeps each campaign's serialised dashboard for a moment (250 ms by default). A team's screens poll the same
/// figures many times a second; within that moment they all get the same bytes, and the campaign grain is asked
/// once, however many people watch. Only answers are kept: a load that fails is forgotten at once, so the next
/// request tries again.
/// </summary>
public sealed class DashboardCache(IDashboardSource source, IOptions<EdgeSettings> settings, IOptions<JsonOptions> json, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> entries = new(StringComparer.Ordinal);
    private readonly TimeSpan lifetime = TimeSpan.FromMilliseconds(settings.Value.DashboardCacheMilliseconds);

    /// <summary>The dashboard as JSON bytes, or null when the campaign does not exist.</summary>
    public async Task<byte[]?> GetAsync(string slug)
    {
        while (true)
        {
            var lazy = entries.GetOrAdd(slug, s => new Lazy<Task<Entry>>(() => LoadAsync(s)));
            Entry entry;
            try
            {
                entry = await lazy.Value;
            }
            catch
            {
                // Callers sharing this load all see its failure; the entry goes, so the next request loads afresh.
                entries.TryRemove(new KeyValuePair<string, Lazy<Task<Entry>>>(slug, lazy));
                throw;
            }
            if (entry.Json is null)
            {
                // Unknown campaigns are not remembered: a guessed slug must not take memory.
                entries.TryRemove(new KeyValuePair<string, Lazy<Task<Entry>>>(slug, lazy));
                return null;
            }
            if (clock.GetUtcNow() < entry.Expires) return entry.Json;
            // Expired: drop this one (unless someone already did) and load afresh; concurrent callers share the load.
            entries.TryRemove(new KeyValuePair<string, Lazy<Task<Entry>>>(slug, lazy));
        }
    }

    private async Task<Entry> LoadAsync(string slug)
    {
        var dashboard = await source.LoadAsync(slug);
        var bytes = dashboard is null ? null : JsonSerializer.SerializeToUtf8Bytes(dashboard, json.Value.SerializerOptions);
        return new Entry(bytes, clock.GetUtcNow() + lifetime);
    }

    private sealed record Entry(byte[]? Json, DateTimeOffset Expires);
}
