using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>AddCrowdfundPayments in a host without a silo: settings read and checked at start, the parts it registers.</summary>
public sealed class RegistrationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Crowdfund:Stripe:SecretKey"] = "sk_test_registration_secret",
        ["Crowdfund:Stripe:PublishableKey"] = "pk_test_registration",
        ["Crowdfund:Stripe:WebhookSecret"] = "whsec_registration",
        ["Crowdfund:Stripe:ApiBase"] = "http://127.0.0.1:12111",
        ["Crowdfund:Stripe:RequestsPerSecond"] = "25",
    };

    [Test]
    public async Task A_host_without_a_silo_gives_a_fixed_count_and_gets_the_gateway_and_the_webhook_verifier()
    {
        using var host = Build(Valid, silos: 5);

        await host.StartAsync();

        var gateway = host.Services.GetRequiredService<IPaymentGateway>();
        Assert.That(gateway, Is.SameAs(host.Services.GetRequiredService<StripeGateway>()));
        Assert.That(gateway.RequestsPerSecond, Is.EqualTo(5), "25 a second shared by five");
        Assert.That(gateway.PublishableKey, Is.EqualTo("pk_test_registration"));
        Assert.That(host.Services.GetRequiredService<StripeWebhooks>(), Is.Not.Null);
        await host.StopAsync();
    }

    [TestCase("SecretKey", null, "Crowdfund:Stripe:SecretKey (environment Crowdfund__Stripe__SecretKey) must be set")]
    [TestCase("SecretKey", "pk_live_not_a_secret_key", "Crowdfund:Stripe:SecretKey (environment Crowdfund__Stripe__SecretKey) must")]
    [TestCase("PublishableKey", "pk_live_other_mode", "Crowdfund:Stripe:PublishableKey (environment Crowdfund__Stripe__PublishableKey) must be of the same mode")]
    [TestCase("WebhookSecret", "", "Crowdfund:Stripe:WebhookSecret (environment Crowdfund__Stripe__WebhookSecret) must")]
    [TestCase("ApiBase", "not a url", "Crowdfund:Stripe:ApiBase (environment Crowdfund__Stripe__ApiBase) must")]
    [TestCase("RequestsPerSecond", "0", "Crowdfund:Stripe:RequestsPerSecond (environment Crowdfund__Stripe__RequestsPerSecond) must")]
    [TestCase("QueueLimit", "-1", "Crowdfund:Stripe:QueueLimit (environment Crowdfund__Stripe__QueueLimit) must")]
    [TestCase("AttemptTimeout", "00:00:00", "Crowdfund:Stripe:AttemptTimeout (environment Crowdfund__Stripe__AttemptTimeout) must")]
    [TestCase("MaxRetries", "11", "Crowdfund:Stripe:MaxRetries (environment Crowdfund__Stripe__MaxRetries) must")]
    [TestCase("BreakDuration", "00:00:00.1", "Crowdfund:Stripe:BreakDuration (environment Crowdfund__Stripe__BreakDuration) must")]
    [TestCase("WebhookTolerance", "00:00:00", "Crowdfund:Stripe:WebhookTolerance (environment Crowdfund__Stripe__WebhookTolerance) must")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_it_and_never_showing_a_key(string setting, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>(Valid) { [$"Crowdfund:Stripe:{setting}"] = value };
        using var host = Build(settings, silos: 1);

        var stopped = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(stopped!.Failures.Single(), Does.StartWith(expected));
        Assert.That(stopped.Message, Does.Not.Contain("_not_a_secret").And.Not.Contain("_other_mode").And.Not.Contain("registration"));
    }

    private static IHost Build(Dictionary<string, string?> settings, int silos)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<ISiloCount>(new FixedSiloCount(silos));
        builder.Services.AddCrowdfundPayments();
        return builder.Build();
    }
}
