using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crowdfund.Messages;
using Crowdfund.Host.Api;
using Crowdfund.Tests.Readme;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>What any HTTP client meets: one problem vocabulary, HEAD where GET is, and a document of every response.</summary>
public sealed class ProtocolTests
{
    [Test]
    public async Task An_unknown_route_and_a_wrong_method_answer_in_the_api_vocabulary()
    {
        using var client = ApiHost.Client();
        await Http.AssertProblemAsync(await client.GetAsync("/no/such/route"), 404, "not-found");
        await Http.AssertProblemAsync(await client.PutAsync("/v1/campaigns/some-campaign", null), 405, "method-not-allowed");
    }

    [Test]
    public async Task Head_answers_where_get_does_with_the_same_status_and_no_body()
    {
        var slug = await ApiHost.LaunchCampaignAsync("head");
        using var client = ApiHost.Client();
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v1/campaigns/{slug}?country=FR"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
        var missing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/campaigns/no-such-campaign"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var team = ApiHost.Team();
        var dashboard = await team.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/team/v1/campaigns/{slug}/dashboard"));
        Assert.That(dashboard.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void The_readme_lists_every_problem_code_under_its_status()
    {
        // "| 413, 415 | `body-too-large`, `unsupported-media-type` |": the statuses of a row, then its codes.
        var rows = Regex.Matches(Readme.Text, @"^\| (\d{3}(?:, \d{3})*) \| (.+) \|$", RegexOptions.Multiline)
            .Select(m => (Statuses: m.Groups[1].Value.Split(", ").Select(int.Parse).ToHashSet(),
                Codes: Regex.Matches(m.Groups[2].Value, "`([a-z-]+)`").Select(c => c.Groups[1].Value).ToHashSet()))
            .ToList();
        var missing = Enum.GetValues<Refusal>().Where(r => r != Refusal.None).Select(ApiProblems.Of)
            .Where(kind => !rows.Any(r => r.Statuses.Contains(kind.Status) && r.Codes.Contains(kind.Code)))
            .Select(kind => $"{kind.Status} {kind.Code}");
        Assert.That(missing, Is.Empty, "problems missing from the README's table, or under another status");
    }

    [Test]
    public async Task The_openapi_document_lists_every_response_of_every_route()
    {
        using var client = ApiHost.Client();
        var document = await Http.JsonAsync(await client.GetAsync("/openapi/v1.json"));
        var responses = new Dictionary<string, HashSet<string>>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            responses[$"{operation.Name.ToUpperInvariant()} {path.Name}"] =
                operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();

        Assert.That(responses["POST /v1/campaigns/{slug}/pledges"],
            Is.SupersetOf(new[] { "201", "400", "404", "409", "413", "415", "422", "500", "503" }));
        Assert.That(responses["PATCH /v1/pledges/{id}"], Is.SupersetOf(new[] { "200", "401", "404", "409", "422" }));
        Assert.That(responses["POST /team/v1/campaigns/{slug}/launch"], Is.SupersetOf(new[] { "200", "401", "404", "409", "422" }));
        foreach (var (route, codes) in responses)
        {
            Assert.That(codes.Any(c => c.StartsWith('2')), Is.True, $"{route} documents its success");
            Assert.That(codes, Does.Contain("500").And.Contain("503"), $"{route} documents its failures");
        }
        // Problems are documented as problem+json.
        var problem = document.GetProperty("paths").GetProperty("/v1/campaigns/{slug}/pledges").GetProperty("post")
            .GetProperty("responses").GetProperty("409").GetProperty("content");
        Assert.That(problem.TryGetProperty("application/problem+json", out _), Is.True);
    }

    [Test]
    public void The_production_host_maps_no_benchmark_route()
    {
        var routes = ApiHost.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "").ToList();
        Assert.That(routes, Has.Some.StartsWith("/v1/"));
        Assert.That(routes.Where(r => r.Contains("bench", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    [Test]
    public async Task Problems_carry_no_internals()
    {
        using var client = ApiHost.Client();
        var body = await (await client.GetAsync("/no/such/route")).Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.That(problem.TryGetProperty("detail", out _), Is.False);
        Assert.That(problem.TryGetProperty("exception", out _), Is.False);
    }
}
