using Crowdfund.Infrastructure.Messaging.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>AddBackerMessages' settings, read and checked when the host starts.</summary>
public sealed class MailSettingsTests
{
    private static readonly Dictionary<string, string?> Smtp = new()
    {
        ["Crowdfund:Mail:From"] = "Crowdfund <mail@crowdfund.test>",
        ["Crowdfund:Mail:Smtp:Host"] = "127.0.0.1",
        ["Crowdfund:Mail:Smtp:Port"] = "2525",
        ["Crowdfund:Mail:Smtp:User"] = "crowdfund",
        ["Crowdfund:Mail:Smtp:Password"] = "a-password-never-shown",
    };

    [TestCase("Crowdfund:Mail:From", "not an address", "Crowdfund:Mail:From (environment Crowdfund__Mail__From) must be a mail address")]
    [TestCase("Crowdfund:Mail:From", "", "Crowdfund:Mail:From (environment Crowdfund__Mail__From) must be set to the sender's address when Crowdfund:Mail:Smtp:Host is set")]
    [TestCase("Crowdfund:Mail:Smtp:Port", "0", "Crowdfund:Mail:Smtp:Port (environment Crowdfund__Mail__Smtp__Port) must")]
    [TestCase("Crowdfund:Mail:Smtp:Security", "Tls13", "Crowdfund:Mail:Smtp:Security (environment Crowdfund__Mail__Smtp__Security) must be one of None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable")]
    [TestCase("Crowdfund:Mail:Smtp:Password", "", "Crowdfund:Mail:Smtp:User (environment Crowdfund__Mail__Smtp__User) and")]
    [TestCase("Crowdfund:Outbox:PollInterval", "00:00:00", "Crowdfund:Outbox:PollInterval (environment Crowdfund__Outbox__PollInterval) must")]
    [TestCase("Crowdfund:Outbox:BatchSize", "0", "Crowdfund:Outbox:BatchSize (environment Crowdfund__Outbox__BatchSize) must")]
    [TestCase("Crowdfund:Outbox:Lease", "00:00:30", "Crowdfund:Outbox:Lease (environment Crowdfund__Outbox__Lease) must be at most 1.00:00:00 and at least twice the longest delivery (00:01:46")]
    [TestCase("Crowdfund:Outbox:BreakDuration", "00:00:00.1", "Crowdfund:Outbox:BreakDuration (environment Crowdfund__Outbox__BreakDuration) must")]
    [TestCase("Crowdfund:Outbox:MaxAttempts", "0", "Crowdfund:Outbox:MaxAttempts (environment Crowdfund__Outbox__MaxAttempts) must")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_it_and_never_showing_the_password(string setting, string value, string expected)
    {
        using var host = await Dispatchers.BuildAsync(new Dictionary<string, string?>(Smtp) { [setting] = value });

        var stopped = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(stopped!.Failures.Single(), Does.StartWith(expected));
        Assert.That(stopped.Message, Does.Not.Contain("a-password-never-shown"));
    }

    [Test]
    public async Task An_smtp_host_sends_through_smtp_and_without_one_mail_goes_to_the_folder()
    {
        using var smtp = await Dispatchers.BuildAsync(Smtp);
        using var folder = await Dispatchers.BuildAsync(new Dictionary<string, string?> { ["Crowdfund:Mail:Folder"] = "/tmp/crowdfund-mail-settings" });
        using var nothing = await Dispatchers.BuildAsync([]);

        Assert.That(smtp.Services.GetRequiredService<IMailSender>().Destination, Is.EqualTo("SMTP at 127.0.0.1:2525 (Auto)"));
        Assert.That(folder.Services.GetRequiredService<IMailSender>().Destination, Is.EqualTo("folder /tmp/crowdfund-mail-settings"));
        Assert.That(nothing.Services.GetRequiredService<IMailSender>().Destination,
            Is.EqualTo($"folder {Path.Combine(Path.GetTempPath(), "crowdfund-mail")}"));
    }
}
