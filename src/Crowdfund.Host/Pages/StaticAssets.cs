using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The pages' stylesheet and scripts, embedded in the assembly (Pages/Static): served from this host whatever the
/// content root, and named by a hash of their bytes so a browser may keep them for a year and still sees a new
/// version at once.
/// </summary>
internal static class StaticAssets
{
    private sealed record Asset(byte[] Bytes, string ContentType, string Hash);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static string Url(string name) => $"/pages/{Assets[name].Hash}/{name}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/pages/{hash}/{name}", (string hash, string name, HttpContext context) =>
        {
            if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
            context.Response.Headers.CacheControl = hash == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.Bytes(asset.Bytes, asset.ContentType);
        }).ExcludeFromDescription();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        const string prefix = "Crowdfund.Host.Pages.Static.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            assets[name] = new Asset(bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
