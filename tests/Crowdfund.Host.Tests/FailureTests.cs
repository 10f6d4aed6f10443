using System.Net;
using Crowdfund.Host.Api;
using Crowdfund.Messages;
using Crowdfund.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>
/// How the edge answers when what it calls fails. The campaign grain cannot be made to fail on demand, so its
/// dashboard source is replaced by <see cref="FailingDashboardSource"/>, a stand-in that fails as scripted per slug.
/// </summary>
public sealed class FailureTests
{
    private WebApplicationFactory<Program> factory = null!;
    private HttpClient team = null!;

    [OneTimeSetUp]
    public void Start()
    {
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in ApiHost.Settings(TestSilo.NewClusterId("fail"))) host.UseSetting(key, value);
            host.ConfigureTestServices(services => services.AddSingleton<IDashboardSource, FailingDashboardSource>());
        });
        team = factory.CreateClient();
        team.DefaultRequestHeaders.Authorization = new("Bearer", ApiHost.TeamKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        team.Dispose();
        await factory.DisposeAsync();
    }

    [Test]
    public async Task An_unexpected_error_is_a_500_problem_without_internals()
    {
        var response = await team.GetAsync("/team/v1/campaigns/boom/dashboard");
        await Http.AssertProblemAsync(response, 500, "internal-error");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("secret"));
    }

    [Test]
    public async Task An_unreachable_silo_is_a_503_with_retry_after()
    {
        var response = await team.GetAsync("/team/v1/campaigns/gone/dashboard");
        await Http.AssertProblemAsync(response, 503, "unavailable");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(ProblemHandling.RetryAfterSeconds)));
    }

    [Test]
    public async Task A_dashboard_load_that_failed_is_not_cached_and_the_next_request_tries_again()
    {
        Assert.That((await team.GetAsync("/team/v1/campaigns/flaky/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        var again = await team.GetAsync("/team/v1/campaigns/flaky/dashboard");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Http.JsonAsync(again)).GetProperty("campaignId").GetString(), Is.EqualTo("flaky"));
    }

    /// <summary>A stand-in for the campaign grain: "boom" fails, "gone" is on a dead silo, "flaky" fails once.</summary>
    private sealed class FailingDashboardSource : IDashboardSource
    {
        private int flakyCalls;

        public Task<Dashboard?> LoadAsync(string slug) => slug switch
        {
            "boom" => throw new InvalidOperationException("secret internals"),
            "gone" => throw new SiloUnavailableException("the silo of this grain is dead"),
            "flaky" when Interlocked.Increment(ref flakyCalls) == 1 => throw new InvalidOperationException("once"),
            "flaky" => Task.FromResult<Dashboard?>(new Dashboard("flaky", CampaignStatus.Live, 500, 0, 0, 0,
                new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, long>(), [], [], 0, null,
                DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow)),
            _ => Task.FromResult<Dashboard?>(null),
        };
    }
}
