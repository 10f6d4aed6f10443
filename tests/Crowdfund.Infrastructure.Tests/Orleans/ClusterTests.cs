using Crowdfund.Testing;
using Orleans.Configuration;

namespace Crowdfund.Infrastructure.Tests.Orleans;

/// <summary>Two real silos forming one cluster through the PostgreSQL membership table.</summary>
public sealed class ClusterTests
{
    [Test]
    public async Task A_grain_comes_back_with_its_state_on_the_other_silo_after_its_silo_is_killed()
    {
        var clusterId = TestSilo.NewClusterId("kill");
        await using var a = await TestSilo.StartAsync(clusterId);
        await using var b = await TestSilo.StartAsync(clusterId);
        var silos = new[] { a, b };

        var probe = a.Grains.GetGrain<IProbeGrain>("persisted");
        await probe.AddAsync(5);
        Assert.That(await probe.AddAsync(2), Is.EqualTo(7));
        var host = silos.Single(s => s.Address.ToParsableString() == Where(probe));
        var survivor = silos.Single(s => s != host);

        await host.KillAsync();

        var again = survivor.Grains.GetGrain<IProbeGrain>("persisted");
        var state = await Eventually.Answer(() => again.GetAsync());
        Assert.That(state.Count, Is.EqualTo(7));
        Assert.That(await again.WhereAsync(), Is.EqualTo(survivor.Address.ToParsableString()));
    }

    [Test]
    public async Task A_durable_reminder_fires_after_the_silo_that_registered_it_is_gone()
    {
        var clusterId = TestSilo.NewClusterId("reminder");
        await using var a = await TestSilo.StartAsync(clusterId);
        await using var b = await TestSilo.StartAsync(clusterId);
        var silos = new[] { a, b };

        var probe = a.Grains.GetGrain<IProbeGrain>("reminded");
        await probe.StartReminderAsync(TimeSpan.FromSeconds(1));
        var registrar = silos.Single(s => s.Address.ToParsableString() == Where(probe));
        var survivor = silos.Single(s => s != registrar);

        await registrar.KillAsync();

        var survivorAddress = survivor.Address.ToParsableString();
        var again = survivor.Grains.GetGrain<IProbeGrain>("reminded");
        await Eventually.Until(async () => (await Eventually.Answer(() => again.GetAsync())).FiredOn.Contains(survivorAddress),
            "the reminder fires on the surviving silo");
    }

    private static string Where(IProbeGrain probe) => probe.WhereAsync().GetAwaiter().GetResult();
}
