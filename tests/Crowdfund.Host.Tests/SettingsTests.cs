using Crowdfund.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>A setting the host cannot work with stops it at start, with a message naming the setting.</summary>
public sealed class SettingsTests
{
    [TestCase("Crowdfund:TeamApiKey", "too-short", "Crowdfund:TeamApiKey")]
    [TestCase("Crowdfund:TokenSecret", "", "Crowdfund:TokenSecret")]
    [TestCase("ConnectionStrings:Crowdfund", "", "ConnectionStrings:Crowdfund")]
    [TestCase("Crowdfund:Silo:AdvertisedIP", "0.0.0.0", "Crowdfund:Silo:AdvertisedIP")]
    [TestCase("Crowdfund:PledgeWriter:QueueCapacity", "0", "Crowdfund:PledgeWriter:QueueCapacity")]
    [TestCase("Crowdfund:Silo:DirectoryCacheSize", "0", "Crowdfund:Silo:DirectoryCacheSize")]
    public async Task A_bad_setting_stops_the_host_and_names_itself(string key, string value, string named)
    {
        var settings = ApiHost.Settings(TestSilo.NewClusterId("settings"));
        settings[key] = value;

        var (exitCode, output) = await HostProcess.RunToExitAsync(settings);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain($"Crowdfund cannot start: {named}"));
    }
}
