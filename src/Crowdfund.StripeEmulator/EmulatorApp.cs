using Crowdfund.StripeEmulator.Control;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.Resources;

namespace Crowdfund.StripeEmulator;

/// <summary>The emulator's endpoints, mapped the same way by the standalone process and by <see cref="StripeEmulatorServer"/>.</summary>
internal static class EmulatorApp
{
    public static void Map(IEndpointRouteBuilder routes, Emulator emulator, ILogger logger)
    {
        var api = new StripeApi(routes, emulator, logger);
        Customers.Map(api);
        PaymentMethods.Map(api);
        SetupIntents.Map(api);
        PaymentIntents.Map(api);
        Charges.Map(api);
        Refunds.Map(api);
        Disputes.Map(api);
        Events.Map(api);
        BalanceTransactions.Map(api);
        api.MapUnrecognized();
        AuthenticationPage.Map(routes, emulator);
        ControlEndpoints.Map(routes, emulator);
        routes.MapGet("/", () => Results.Text("Crowdfund Stripe emulator (test mode only): the Stripe API under /v1, test controls under /_emulator.\n"));
    }
}
