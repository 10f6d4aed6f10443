using MimeKit;

namespace Crowdfund.Infrastructure.Messaging.Mail;

/// <summary>Where composed mail goes: an SMTP server, or a folder of .eml files when none is configured.</summary>
public interface IMailSender
{
    /// <summary>
    /// Hands the message over. A failure is an <see cref="OutboxDeliveryException"/> whose reason names no recipient;
    /// cancellation (the attempt's timeout) comes through as an <see cref="OperationCanceledException"/>.
    /// </summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);

    /// <summary>Where mail goes, for the start-up log: a host and port, or a folder. Never a credential.</summary>
    string Destination { get; }
}
