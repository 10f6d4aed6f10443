using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crowdfund.Bench;

/// <summary>The team API, to set up campaigns and read tier counters as the product team would.</summary>
internal sealed class Team(string baseUrl, string key) : IDisposable
{
    private readonly HttpClient http = new()
    {
        BaseAddress = new Uri(baseUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
    };

    /// <summary>Creates and launches a campaign with one tier of the given limit, open in France.</summary>
    public async Task LaunchAsync(string slug, string tierId, int limit)
    {
        await EnsureAsync(await http.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Bench", product = "Retro phone", goalUnits = 500, deadline = DateTimeOffset.UtcNow.AddDays(1),
            countries = new[] { new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true } },
        }));
        await EnsureAsync(await http.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/{tierId}", new
        {
            name = "Early bird", prices = new { EUR = 7900 }, limit, maxPerBacker = 2, shipsTo = new[] { "FR" },
            shipping = new { FR = 900 }, estimatedDelivery = "2027-09",
        }));
        await EnsureAsync(await http.PostAsync($"/team/v1/campaigns/{slug}/launch", null));
    }

    /// <summary>One pledge, as a backer in France would make it.</summary>
    public async Task PledgeAsync(string slug, string tierId, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/campaigns/{slug}/pledges")
        {
            Content = JsonContent.Create(new
            {
                tierId, quantity = 1, country = "FR",
                backer = new { name = "Ada Lovelace", email = "ada@example.com" },
                shippingAddress = new { line1 = "1 rue de la Paix", city = "Paris", postalCode = "75002" },
            }),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        await EnsureAsync(await http.SendAsync(request));
    }

    public async Task<(int Held, int? Remaining)> TierAsync(string slug, string tierId)
    {
        var json = JsonDocument.Parse(await http.GetStringAsync($"/team/v1/campaigns/{slug}/tiers/{tierId}")).RootElement;
        var remaining = json.GetProperty("remaining");
        return (json.GetProperty("rewardsHeld").GetInt32(),
            remaining.ValueKind == JsonValueKind.Null ? null : remaining.GetInt32());
    }

    public async Task<PathStats> PathStatsAsync() =>
        await http.GetFromJsonAsync<PathStats>("/bench/stats") ?? throw new InvalidOperationException("no /bench/stats");

    public async Task CreateBaselineTierAsync(string tierId, int limit) =>
        await EnsureAsync(await http.PutAsync($"/bench/baseline/tiers/{tierId}?limit={limit}", null));

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => http.Dispose();
}
