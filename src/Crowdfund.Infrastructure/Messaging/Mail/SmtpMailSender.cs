using MailKit.Net.Smtp;
using MimeKit;

namespace Crowdfund.Infrastructure.Messaging.Mail;

/// <summary>
/// Sends through one SMTP connection (MailKit), kept open between messages, since a TLS handshake and a login per
/// message would cost more than the message. One message at a time: the dispatcher sends in order anyway.
/// </summary>
internal sealed class SmtpMailSender(SmtpOptions options, TimeProvider time) : IMailSender, IDisposable
{
    // Servers drop idle clients after a minute or more; one left idle longer is closed and opened again rather than
    // found dead by the next message.
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;
    private DateTimeOffset lastUsed;

    public string Destination => $"SMTP at {options.Host}:{options.Port} ({options.Security})";

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (client is not null && (!client.IsConnected || time.GetUtcNow() - lastUsed > IdleLimit)) Drop();
            if (client is null)
            {
                client = new SmtpClient();
                await client.ConnectAsync(options.Host, options.Port, options.SocketOptions, cancellationToken);
                if (options.User is { Length: > 0 } user) await client.AuthenticateAsync(user, options.Password ?? "", cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
            lastUsed = time.GetUtcNow();
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // After a failed exchange the connection's state is unknown: the next message starts afresh.
            Drop();
            throw MailFailures.Classify(failure);
        }
        catch
        {
            Drop();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        Drop();
        gate.Dispose();
    }

    private void Drop()
    {
        // Closing without QUIT: the server may be gone, and a polite goodbye could wait on it.
        client?.Dispose();
        client = null;
    }
}
