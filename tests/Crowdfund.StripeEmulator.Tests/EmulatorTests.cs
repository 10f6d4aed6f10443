namespace Crowdfund.StripeEmulator.Tests;

/// <summary>Test classes that share one emulator with default options, and Stripe.net pointed at it.</summary>
public abstract class EmulatorTests
{
    protected StripeEmulatorServer server = null!;
    protected StripeClient stripe = null!;

    [OneTimeSetUp]
    public async Task StartEmulator()
    {
        server = await Emulated.StartAsync();
        stripe = Emulated.Client(server);
    }

    [OneTimeTearDown]
    public async Task StopEmulator() => await server.DisposeAsync();
}
