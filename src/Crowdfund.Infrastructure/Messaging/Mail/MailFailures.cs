using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Crowdfund.Infrastructure.Messaging.Mail;

/// <summary>
/// Names a failed send for the outbox and the logs. The server's own words are never kept: a refusal often quotes the
/// recipient's address. Only the codes are.
/// </summary>
internal static class MailFailures
{
    public static OutboxDeliveryException Classify(Exception failure) => failure switch
    {
        OutboxDeliveryException known => known,
        // 5xx for this recipient or this message is the server's final word; 5xx for the sender, or any 4xx, is
        // about our account or a passing state, worth trying again.
        SmtpCommandException command => new OutboxDeliveryException(
            $"smtp {(int)command.StatusCode} {command.ErrorCode}",
            permanent: (int)command.StatusCode >= 500
                       && command.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted,
            failure),
        SmtpProtocolException => new("smtp protocol error", permanent: false, failure),
        AuthenticationException => new("smtp authentication failed", permanent: false, failure),
        SslHandshakeException => new("smtp TLS handshake failed", permanent: false, failure),
        SocketException socket => new($"network {socket.SocketErrorCode}", permanent: false, failure),
        IOException => new("network connection lost", permanent: false, failure),
        ServiceNotConnectedException => new("smtp not connected", permanent: false, failure),
        _ => new(failure.GetType().Name, permanent: false, failure),
    };
}
