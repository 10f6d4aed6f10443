using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>A registered partner as a test holds it: its id, its API key, its signing secret.</summary>
internal sealed record TestPartner(string Id, string ApiKey, string SigningSecret)
{
    /// <summary>A client calling the partner API with this partner's key.</summary>
    public HttpClient Client(Uri baseAddress) => PartnerClient(baseAddress, ApiKey);

    public static HttpClient PartnerClient(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

internal static class TestPartners
{
    /// <summary>Registers a partner through the team API (a fresh id per call) and links it to <paramref name="campaigns"/>.</summary>
    public static async Task<TestPartner> RegisterAsync(HttpClient team, string prefix, string webhookUrl, params string[] campaigns)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        var response = await team.PostAsJsonAsync("/team/v1/partners", new { id, name = "Usine Test", webhookUrl });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var partner = new TestPartner(id, body.GetProperty("apiKey").GetString()!, body.GetProperty("signingSecret").GetString()!);
        foreach (var campaign in campaigns) await LinkAsync(team, partner.Id, campaign);
        return partner;
    }

    public static async Task LinkAsync(HttpClient team, string partnerId, string campaign)
    {
        var linked = await team.PutAsJsonAsync($"/team/v1/campaigns/{campaign}/partner", new { partnerId });
        Assert.That(linked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await linked.Content.ReadAsStringAsync());
    }
}
