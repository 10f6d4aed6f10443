using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Tests;

/// <summary>The links in mail to backers: the host's public address, the pledge, and the token that opens it.</summary>
public sealed class BackerLinkTests
{
    [Test]
    public void Unset_the_public_url_is_the_first_address_the_host_listens_on_and_the_link_carries_the_pledges_token()
    {
        var links = ApiHost.Factory.Services.GetRequiredService<IBackerLinks>();
        var tokens = ApiHost.Factory.Services.GetRequiredService<PledgeTokens>();
        var pledge = Guid.NewGuid();

        Assert.That(links.PledgePage(pledge), Is.EqualTo(new Uri(ApiHost.BaseAddress, $"/pledges/{pledge}?token={tokens.Issue(pledge)}")));
    }

    [Test]
    public void A_public_url_with_a_path_keeps_its_path()
    {
        var tokens = ApiHost.Factory.Services.GetRequiredService<PledgeTokens>();
        var links = new BackerLinks(Options.Create(new PublicUrlSettings { PublicUrl = "https://pledge.example.org/crowdfund" }), tokens,
            ApiHost.Factory.Services.GetRequiredService<IServer>(), NullLogger<BackerLinks>.Instance);
        var pledge = Guid.NewGuid();

        Assert.That(links.PledgePage(pledge).ToString(), Is.EqualTo($"https://pledge.example.org/crowdfund/pledges/{pledge}?token={tokens.Issue(pledge)}"));
    }

    [TestCase("pledge.example.org")]
    [TestCase("ftp://pledge.example.org")]
    [TestCase("https://pledge.example.org/?campaign=1")]
    public async Task A_public_url_that_is_no_web_address_stops_the_host_and_names_itself(string value)
    {
        var settings = ApiHost.Settings(TestSilo.NewClusterId("links"));
        settings["Crowdfund:PublicUrl"] = value;

        var (exitCode, output) = await HostProcess.RunToExitAsync(settings);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("Crowdfund cannot start: Crowdfund:PublicUrl (environment Crowdfund__PublicUrl) must be"));
    }
}
