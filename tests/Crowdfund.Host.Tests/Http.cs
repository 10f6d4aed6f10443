using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests;

internal static class Http
{
    public static object Pledge(string tierId = "early", string country = "FR", int quantity = 1, string postalCode = "75002",
        string email = "ada@example.com") => new
    {
        tierId, quantity, country,
        backer = new { name = "Ada Lovelace", email },
        shippingAddress = new { line1 = "1 rue de la Paix", city = "Paris", postalCode },
    };

    public static Task<HttpResponseMessage> PostPledgeAsync(HttpClient client, string slug, object body, string? key = null) =>
        PostRawAsync(client, slug, JsonSerializer.Serialize(body), key ?? Guid.NewGuid().ToString());

    /// <param name="expectContinue">
    /// Send "Expect: 100-continue" and the body only once the server asks for it, as clients do with large bodies: a
    /// server refusing the body (413) then closes the connection before any of it is sent, instead of while the client
    /// is still sending, which can reset the connection before the client reads the answer.
    /// </param>
    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string slug, string json, string? key,
        string contentType = "application/json", bool expectContinue = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/campaigns/{slug}/pledges")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        request.Headers.ExpectContinue = expectContinue;
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("type").GetString(),
            Is.EqualTo("urn:crowdfund:problem:" + code), text);
    }

    /// <summary>
    /// What a backer's page does to save a card: asks for a setup (waiting its turn if there is a line), then confirms
    /// it at Stripe (here, the emulator) with the publishable key and client secret, as Stripe.js would. The answer is
    /// Stripe's: the setup intent, or its card error.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SaveCardAsync(HttpClient client, string pledgeId,
        string token, string testCard = "pm_card_visa", string? stripeUrl = null)
    {
        var setup = await ReadySetupAsync(client, pledgeId, token);
        using var browser = new HttpClient { BaseAddress = new Uri(stripeUrl ?? ApiHost.Emulator.BaseUrl) };
        var confirmed = await browser.PostAsync($"/v1/setup_intents/{setup.GetProperty("setupIntentId").GetString()}/confirm",
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["key"] = setup.GetProperty("publishableKey").GetString()!,
                ["client_secret"] = setup.GetProperty("clientSecret").GetString()!,
                ["payment_method"] = testCard,
            }));
        return (confirmed.StatusCode, await JsonAsync(confirmed));
    }

    /// <summary>The pledge's setup once it is made at the provider (asked for, and waited for while it is in line).</summary>
    public static async Task<JsonElement> ReadySetupAsync(HttpClient client, string pledgeId, string token)
    {
        var asked = await client.SendAsync(WithToken(HttpMethod.Post, $"/v1/pledges/{pledgeId}/payment-setup", token));
        Assert.That((int)asked.StatusCode, Is.EqualTo(200).Or.EqualTo(202), await asked.Content.ReadAsStringAsync());
        var setup = await JsonAsync(asked);
        while (setup.GetProperty("status").GetString() == "Queued")
        {
            await Task.Delay(100);
            setup = await JsonAsync(await client.SendAsync(WithToken(HttpMethod.Get, $"/v1/pledges/{pledgeId}/payment-setup", token)));
        }
        return setup;
    }

    /// <summary>Waits until the pledge reaches a status (a webhook moves it), within the tests' patience.</summary>
    public static Task StatusAsync(HttpClient client, string pledgeId, string token, string status) =>
        Eventually.Until(async () => (await JsonAsync(await client.SendAsync(WithToken(HttpMethod.Get, $"/v1/pledges/{pledgeId}", token))))
            .GetProperty("status").GetString() == status, $"pledge {pledgeId} is {status}");

    public static async Task<int> PledgeRowsAsync(string slug)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM pledges WHERE campaign_id = @slug", new { slug });
    }
}
