using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Crowdfund.Infrastructure.Partners;

/// <summary>
/// The secrets a partner gets: API keys (shown once, stored as their SHA-256) and the webhook signing secret. Both
/// are 256 random bits in base64url, behind a prefix that says what they are (as Stripe's <c>sk_</c> and
/// <c>whsec_</c> do) so that a key pasted in the wrong place is recognised, and a leaked one found by scanners.
/// </summary>
public static class PartnerKeys
{
    public const string KeyPrefix = "cfpk_";
    public const string SecretPrefix = "cfwhsec_";

    /// <summary>How many characters of a key identify it in listings and revocations: its prefix and 8 more.</summary>
    public const int ShownLength = 13;

    public static string NewKey() => KeyPrefix + RandomPart();

    public static string NewSigningSecret() => SecretPrefix + RandomPart();

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string Shown(string key) => key[..Math.Min(ShownLength, key.Length)];

    private static string RandomPart() =>
        Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
