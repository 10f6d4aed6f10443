using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Crowdfund.Host.Hosting;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>
/// The backer's secret for one pledge: an HMAC of the pledge id under a server key. Deriving it lets a replayed
/// creation return the same token without storing it; only its SHA-256 is stored, to check it.
/// </summary>
public sealed class PledgeTokens(IOptions<EdgeSettings> settings)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(settings.Value.TokenSecret);

    public string Issue(Guid pledgeId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(key, pledgeId.ToByteArray()));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The token of an "Authorization: Bearer ..." header, or null.</summary>
    public static string? FromHeader(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
