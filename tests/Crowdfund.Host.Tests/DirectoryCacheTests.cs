using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Crowdfund.Host.Tests;

/// <summary>
/// The silo remembers where at most Crowdfund:Silo:DirectoryCacheSize grains live. A campaign calls each of its pledge
/// grains a few times and then never again; Orleans' default of a million entries kept one for each of them.
/// </summary>
/// <remarks>
/// Orleans keeps the cache itself inside its grain directory, out of reach of the host's services; what is checked here
/// is that the setting is the size the silo's directory is built with, from the options it reads when it starts.
/// </remarks>
public sealed class DirectoryCacheTests
{
    [Test]
    public void The_silo_directory_cache_has_the_configured_size()
    {
        var options = ApiHost.Factory.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

        Assert.That(options.CacheSize, Is.EqualTo(ApiHost.DirectoryCacheSize));
        Assert.That(options.CacheSize, Is.Not.EqualTo(new GrainDirectoryOptions().CacheSize), "the test's size must differ from Orleans' default");
    }
}
