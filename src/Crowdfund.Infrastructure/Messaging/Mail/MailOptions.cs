using MailKit.Security;
using MimeKit;

namespace Crowdfund.Infrastructure.Messaging.Mail;

/// <summary>
/// Where mail to backers goes ("Crowdfund:Mail"): through SMTP when <c>Smtp:Host</c> is set, otherwise into
/// <see cref="Folder"/> as .eml files. The password is a secret: it comes from the environment and never appears in a
/// log or an error.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Crowdfund:Mail";

    /// <summary>The sender, <c>Name &lt;address&gt;</c> or an address; required with SMTP. Its domain also ends every Message-ID.</summary>
    public string From { get; set; } = "";

    /// <summary>Where .eml files are written when no SMTP host is set; unset, a folder under the system's temporary folder.</summary>
    public string Folder { get; set; } = "";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The sender when <see cref="From"/> is unset (the folder only: SMTP requires one).</summary>
    public const string DefaultFrom = "Crowdfund <no-reply@crowdfund.localhost>";

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>
    /// A new address on each read: a MimeKit address is mutable and remembers the messages it was added to, so none is
    /// shared through a static.
    /// </summary>
    public MailboxAddress Sender => MailboxAddress.Parse(From is { Length: > 0 } ? From : DefaultFrom);

    public string FolderPath => Folder is { Length: > 0 } ? Path.GetFullPath(Folder) : Path.Combine(Path.GetTempPath(), "crowdfund-mail");

    /// <summary>Why these settings cannot work, naming the setting and never a secret; null when they can.</summary>
    public string? Problem()
    {
        if (From is { Length: > 0 } && !(MailboxAddress.TryParse(From, out var from) && from.Address.Contains('@', StringComparison.Ordinal)))
            return $"{SettingNames.Of(Section, nameof(From))} must be a mail address such as 'Crowdfund <no-reply@example.org>'.";
        if (!UsesSmtp)
            return Folder.Length > 0 && string.IsNullOrWhiteSpace(Folder)
                ? $"{SettingNames.Of(Section, nameof(Folder))} must be a folder's path, or unset."
                : null;
        if (From is not { Length: > 0 })
            return $"{SettingNames.Of(Section, nameof(From))} must be set to the sender's address when {Section}:Smtp:Host is set.";
        if (Smtp.Port is < 1 or > 65535)
            return $"{SettingNames.Of(Section, "Smtp:Port")} must be between 1 and 65535.";
        if (!Enum.TryParse<SecureSocketOptions>(Smtp.Security, ignoreCase: true, out _) || int.TryParse(Smtp.Security, out _))
            return $"{SettingNames.Of(Section, "Smtp:Security")} must be one of {string.Join(", ", Enum.GetNames<SecureSocketOptions>())}.";
        if (string.IsNullOrEmpty(Smtp.User) != string.IsNullOrEmpty(Smtp.Password))
            return $"{SettingNames.Of(Section, "Smtp:User")} and {SettingNames.Of(Section, "Smtp:Password")} must be set together, or neither.";
        return null;
    }
}

/// <summary>The SMTP server ("Crowdfund:Mail:Smtp").</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    /// <summary>587 (submission with STARTTLS) by default; 465 for TLS from the start, 25 for a relay.</summary>
    public int Port { get; set; } = 587;

    /// <summary>
    /// MailKit's <see cref="SecureSocketOptions"/> by name: Auto (TLS on 465, STARTTLS when the server offers it),
    /// StartTls (required), SslOnConnect, StartTlsWhenAvailable, or None (a relay on loopback only).
    /// </summary>
    public string Security { get; set; } = nameof(SecureSocketOptions.Auto);

    public string? User { get; set; }

    public string? Password { get; set; }

    public SecureSocketOptions SocketOptions => Enum.Parse<SecureSocketOptions>(Security, ignoreCase: true);
}
