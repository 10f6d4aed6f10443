using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crowdfund.Infrastructure.Partners;

/// <summary>
/// How a webhook to a partner is signed; the README's "Partner webhooks" section states the same for partners:
/// <c>Crowdfund-Signature: t={unix seconds},v1={hex HMAC-SHA256}</c>, where the HMAC's key is the partner's signing
/// secret (its UTF-8 bytes, prefix included) and its message the timestamp, a dot, and the body's exact bytes. The
/// timestamp is signed so that a captured request cannot be replayed later; the receiver refuses old ones.
/// </summary>
public static class PartnerSignature
{
    public const string Header = "Crowdfund-Signature";

    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
