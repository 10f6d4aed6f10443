using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;

namespace Crowdfund.Bench;

/// <summary>The production host, built the same way as its Program, plus the benchmark's endpoints.</summary>
internal static class BenchHost
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCrowdfund();
        var app = builder.Build();
        app.MapCrowdfund();
        app.MapBench();
        await app.RunAsync();
    }
}
