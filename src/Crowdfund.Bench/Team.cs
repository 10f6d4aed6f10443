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

    /// <summary>
    /// Creates and launches a campaign open in the five launch countries (EUR, USD, CAD) with one tier without a limit,
    /// two rewards at most per backer.
    /// </summary>
    public async Task LaunchEverywhereAsync(string slug, string tierId, DateTimeOffset deadline, int goalUnits)
    {
        await EnsureAsync(await http.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Bench", product = "Retro phone", goalUnits, deadline,
            countries = new object[]
            {
                new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true },
                new { country = "DE", currency = "EUR", taxRateBasisPoints = 1900, pricesIncludeTax = true },
                new { country = "ES", currency = "EUR", taxRateBasisPoints = 2100, pricesIncludeTax = true },
                new { country = "US", currency = "USD", taxRateBasisPoints = 0, pricesIncludeTax = false },
                new { country = "CA", currency = "CAD", taxRateBasisPoints = 1300, pricesIncludeTax = false },
            },
        }));
        var shipping = new Dictionary<string, long> { ["FR"] = 900, ["DE"] = 900, ["ES"] = 900, ["US"] = 1500, ["CA"] = 1500 };
        await EnsureAsync(await http.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/{tierId}", new
        {
            name = "Standard", prices = new { EUR = 9900, USD = 10900, CAD = 14900 }, maxPerBacker = 2,
            shipsTo = shipping.Keys, shipping, estimatedDelivery = "2027-10",
        }));
        await EnsureAsync(await http.PostAsync($"/team/v1/campaigns/{slug}/launch", null));
    }

    /// <summary>The campaign's collection run as the team reads it; null until the run exists.</summary>
    public async Task<JsonElement?> CollectionAsync(string slug)
    {
        var response = await http.GetAsync($"/team/v1/campaigns/{slug}/collection");
        if (!response.IsSuccessStatusCode) return null;
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>A bench endpoint's answer (the benchmark's host only).</summary>
    public async Task<JsonElement> BenchAsync(HttpMethod method, string path)
    {
        var response = await http.SendAsync(new HttpRequestMessage(method, path));
        await EnsureAsync(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
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
