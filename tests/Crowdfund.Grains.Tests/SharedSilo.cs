namespace Crowdfund.Grains.Tests;

/// <summary>
/// One silo for every test of this assembly that can share it; each test makes its own campaign, so tests never see
/// each other's rows. Tests that kill or restart their silo start a world of their own.
/// </summary>
[SetUpFixture]
public sealed class SharedSilo
{
    private static GrainWorld? world;

    public static GrainWorld World => world ?? throw new InvalidOperationException("The shared silo is not started.");

    [OneTimeSetUp]
    public async Task StartAsync() => world = await GrainWorld.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (world is not null) await world.DisposeAsync();
    }
}
