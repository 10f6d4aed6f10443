using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crowdfund.StripeEmulator.Webhooks;

/// <summary>
/// Stripe's webhook signature: <c>Stripe-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}"}</c>, keyed
/// with the endpoint's <c>whsec_...</c> secret taken as UTF-8 text (Stripe does not decode it).
/// </summary>
internal static class WebhookSigner
{
    public static string Header(string payload, string secret, long timestamp)
    {
        var signed = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{payload}"));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }
}
