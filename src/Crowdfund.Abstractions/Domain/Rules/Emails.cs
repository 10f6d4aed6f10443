using System.Net.Mail;

namespace Crowdfund.Domain.Rules;

public static class Emails
{
    /// <summary>
    /// A plain address "local@domain.tld": what MailAddress parses as exactly the input (no display name, no
    /// comments), with a dot in the domain and within the 254 characters SMTP allows.
    /// </summary>
    public static bool IsValid(string email) =>
        email.Length is > 0 and <= 254
        && MailAddress.TryCreate(email, out var parsed)
        && parsed.Address == email
        && parsed.Host.Contains('.', StringComparison.Ordinal)
        && !parsed.Host.StartsWith('.') && !parsed.Host.EndsWith('.');
}
