using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>
/// <c>expand[]</c>: each dotted path replaces an id by its object, then walks into it (<c>latest_charge.payment_method</c>);
/// on a list the paths start with <c>data.</c>. Stripe allows four levels.
/// </summary>
internal static class Expansion
{
    public static void Apply(JsonNode answer, IEnumerable<string> paths, Func<string, JsonObject?> find)
    {
        foreach (var path in paths)
        {
            var segments = path.Split('.');
            if (segments.Length > 4) throw StripeErrors.Invalid($"You cannot expand more than 4 levels of a property. Property: {path}", "expand", stored: false);
            Walk(answer, segments, 0, find);
        }
    }

    private static void Walk(JsonNode? node, string[] segments, int at, Func<string, JsonObject?> find)
    {
        if (at >= segments.Length) return;
        if (node is JsonArray array)
        {
            foreach (var item in array) Walk(item, segments, at, find);
            return;
        }
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(segments[at], out var child)) return;
        if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String && find(value.GetValue<string>()) is { } found)
        {
            obj[segments[at]] = found;
            child = found;
        }
        Walk(child, segments, at + 1, find);
    }
}
