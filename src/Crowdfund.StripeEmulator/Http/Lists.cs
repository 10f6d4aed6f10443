using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Resources;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>
/// Stripe's list pages: newest first, <c>limit</c> 1–100 (10 by default), cursors <c>starting_after</c> (older than)
/// and <c>ending_before</c> (newer than), <c>created</c> as a timestamp or a range, and <c>has_more</c>.
/// </summary>
internal static class Lists
{
    public static JsonObject Page<T>(ApiRequest request, IEnumerable<T> items, string url, Func<T, JsonObject> render)
        where T : StripeRecord
    {
        var limit = request.Long("limit") ?? 10;
        if (limit is < 1 or > 100) throw StripeErrors.ParameterInvalid("limit", "This value must be between 1 and 100 (it defaults to 10 if not provided).", "parameter_invalid_integer");
        var startingAfter = request.Str("starting_after");
        var endingBefore = request.Str("ending_before");
        if (startingAfter is not null && endingBefore is not null)
        {
            throw StripeErrors.Invalid("You may only specify one of these parameters: ending_before, starting_after.", stored: false);
        }

        var ordered = Created(request, items).OrderByDescending(item => item.Seq).ToList();
        List<T> page;
        bool hasMore;
        if (startingAfter is not null)
        {
            var at = Cursor(ordered, startingAfter, "starting_after");
            page = ordered.Skip(at + 1).Take((int)limit).ToList();
            hasMore = ordered.Count > at + 1 + limit;
        }
        else if (endingBefore is not null)
        {
            var at = Cursor(ordered, endingBefore, "ending_before");
            var from = (int)Math.Max(0, at - limit);
            page = ordered.Skip(from).Take(at - from).ToList();
            hasMore = from > 0;
        }
        else
        {
            page = ordered.Take((int)limit).ToList();
            hasMore = ordered.Count > limit;
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(item => (JsonNode)render(item)).ToArray()),
            ["has_more"] = hasMore,
            ["url"] = url,
        };
    }

    private static int Cursor<T>(List<T> ordered, string id, string param) where T : StripeRecord
    {
        var at = ordered.FindIndex(item => item.Id == id);
        return at >= 0 ? at : throw StripeErrors.ResourceMissing(Objects.NameOf(id), id, param);
    }

    private static IEnumerable<T> Created<T>(ApiRequest request, IEnumerable<T> items) where T : StripeRecord
    {
        if (request.Params["created"] is { IsText: false } range)
        {
            var gt = request.Long("gt", range);
            var gte = request.Long("gte", range);
            var lt = request.Long("lt", range);
            var lte = request.Long("lte", range);
            return items.Where(item => (gt is null || item.Created > gt) && (gte is null || item.Created >= gte)
                && (lt is null || item.Created < lt) && (lte is null || item.Created <= lte));
        }
        return request.Long("created") is { } exact ? items.Where(item => item.Created == exact) : items;
    }
}
