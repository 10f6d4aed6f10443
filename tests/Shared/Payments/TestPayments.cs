using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Testing;

/// <summary>
/// The real Stripe adapter for silos a test starts itself, pointed at an emulator on loopback: a pledge grain needs
/// the payment gateway wherever Orleans places it.
/// </summary>
public static class TestPayments
{
    public const string WebhookSecret = "whsec_silo_tests_secret";

    private static readonly Lazy<Task<StripeEmulatorServer>> Shared = new(() => StripeEmulatorServer.StartAsync(new EmulatorOptions
    {
        SecretKey = "sk_test_silo_tests", PublishableKey = "pk_test_silo_tests", RequestsPerSecond = 0,
    }));

    /// <summary>One emulator for the test process, started on first use and stopped with it.</summary>
    public static Task<StripeEmulatorServer> EmulatorAsync() => Shared.Value;

    /// <summary>Registers the Stripe adapter against <paramref name="emulator"/>, for one silo of <paramref name="silos"/>.</summary>
    public static IServiceCollection AddTestPayments(this IServiceCollection services, StripeEmulatorServer emulator, int silos = 1,
        double requestsPerSecond = 1000)
    {
        services.AddSingleton<ISiloCount>(new FixedSiloCount(silos));
        services.AddOptions<StripeOptions>().Configure(o =>
        {
            o.SecretKey = emulator.SecretKey;
            o.PublishableKey = emulator.PublishableKey;
            o.WebhookSecret = WebhookSecret;
            o.ApiBase = emulator.BaseUrl;
            o.RequestsPerSecond = requestsPerSecond;
        });
        return services.AddCrowdfundPayments();
    }
}
