using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.Resources;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Control;

/// <summary>
/// <c>/_emulator/...</c>: test-only controls and records, which Stripe has no equivalent of. Authenticated with the
/// secret key like the API; JSON in snake_case. See the emulator's README.md for the list.
/// </summary>
internal static class ControlEndpoints
{
    private static readonly JsonSerializerOptions Snake = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void Map(IEndpointRouteBuilder routes, Emulator emulator)
    {
        var control = routes.MapGroup("/_emulator").AddEndpointFilter(async (context, next) =>
        {
            var key = StripeApi.KeyFromHeader(context.HttpContext.Request.Headers.Authorization.ToString());
            if (key != emulator.SecretKey)
            {
                var refused = key is null ? StripeErrors.NoApiKey() : StripeErrors.InvalidApiKey(key);
                return Results.Json(refused.Body(), statusCode: refused.Status);
            }
            return await next(context);
        });

        control.MapGet("/charges", () => Records(emulator, store => store.Charges.Values.OrderBy(c => c.Seq).Select(c => Charges.Render(store, c))));
        control.MapGet("/refunds", () => Records(emulator, store => store.Refunds.Values.OrderBy(r => r.Seq).Select(Refunds.Render)));
        control.MapGet("/disputes", () => Records(emulator, store => store.Disputes.Values.OrderBy(d => d.Seq).Select(d => Disputes.Render(store, d))));
        control.MapGet("/events", () => Records(emulator, store => store.Events.Select(Events.Render)));
        control.MapGet("/webhook_deliveries", () => Results.Json(new { Data = emulator.Webhooks.Deliveries }, Snake));
        control.MapGet("/stats", () =>
        {
            int setups;
            lock (emulator.Store.Gate) setups = emulator.Store.SetupIntents.Count;
            return Results.Json(new EmulatorStats(emulator.Counters.Requests, emulator.Counters.RateLimited, setups), Snake);
        });

        control.MapPost("/intents/{id}/authentication", async (HttpContext context, string id) =>
        {
            var outcome = await OutcomeAsync(context);
            if (outcome is not ("complete" or "fail")) return Problem(400, "Send {\"outcome\": \"complete\"} or {\"outcome\": \"fail\"}.");
            lock (emulator.Store.Gate)
            {
                var intent = Challenges.Settle(Operation(emulator, context), id, outcome == "complete");
                return intent is null ? Problem(404, $"No intent '{id}' waits for authentication.") : Stripe(intent);
            }
        });

        control.MapPost("/disputes/{id}/close", async (HttpContext context, string id) =>
        {
            var outcome = await OutcomeAsync(context);
            if (outcome is not ("won" or "lost")) return Problem(400, "Send {\"outcome\": \"won\"} or {\"outcome\": \"lost\"}.");
            lock (emulator.Store.Gate)
            {
                if (!emulator.Store.Disputes.TryGetValue(id, out var dispute)) return Problem(404, $"No such dispute: '{id}'");
                try
                {
                    return Stripe(Disputes.Close(Operation(emulator, context), dispute, outcome == "won"));
                }
                catch (StripeApiException refused)
                {
                    return Results.Json(refused.Body(), statusCode: refused.Status);
                }
            }
        });

        control.MapPost("/reset", () =>
        {
            emulator.Reset();
            return Results.Json(new { Reset = true }, Snake);
        });

        control.MapGet("/faults", () => Results.Json(emulator.Faults.Options, Snake));
        control.MapPost("/faults", async (HttpContext context) =>
        {
            var faults = await ReadAsync<FaultOptions>(context);
            if (faults is null) return Problem(400, "Send the faults as JSON.");
            try
            {
                emulator.Faults.Options = faults;
            }
            catch (ArgumentOutOfRangeException invalid)
            {
                return Problem(400, invalid.Message);
            }
            return Results.Json(emulator.Faults.Options, Snake);
        });

        control.MapGet("/rate_limit", () => Results.Json(new { RequestsPerSecond = emulator.RateLimiter.RequestsPerSecond }, Snake));
        control.MapPost("/rate_limit", async (HttpContext context) =>
        {
            var body = await ReadAsync<JsonObject>(context);
            if (body?["requests_per_second"] is not JsonValue value || !value.TryGetValue<double>(out var rate)) return Problem(400, "Send {\"requests_per_second\": 100}.");
            emulator.RateLimiter.RequestsPerSecond = rate;
            return Results.Json(new { RequestsPerSecond = rate }, Snake);
        });

        control.MapGet("/webhook_endpoints", () => Results.Json(new { Data = emulator.Webhooks.Endpoints }, Snake));
        control.MapPost("/webhook_endpoints", async (HttpContext context) =>
        {
            var endpoints = await ReadAsync<List<WebhookEndpointOptions>>(context);
            if (endpoints is null) return Problem(400, "Send a JSON array of {\"url\", \"secret\", \"enabled_events\"}.");
            try
            {
                emulator.Webhooks.SetEndpoints(endpoints);
            }
            catch (InvalidOperationException invalid)
            {
                return Problem(400, invalid.Message);
            }
            return Results.Json(new { Data = emulator.Webhooks.Endpoints }, Snake);
        });
    }

    private static Operation Operation(Emulator emulator, HttpContext context) =>
        new(emulator, $"{context.Request.Scheme}://{context.Request.Host}");

    private static IResult Records(Emulator emulator, Func<EmulatorStore, IEnumerable<JsonObject>> select)
    {
        lock (emulator.Store.Gate)
        {
            var data = new JsonArray(select(emulator.Store).Select(o => (JsonNode)o).ToArray());
            return Stripe(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false });
        }
    }

    private static IResult Stripe(JsonNode node) => Results.Content(Json.Write(node), "application/json");

    private static IResult Problem(int status, string message) =>
        Results.Json(new JsonObject { ["error"] = StripeErrors.Error(StripeErrors.InvalidRequest, message) }, statusCode: status);

    private static async Task<string?> OutcomeAsync(HttpContext context) =>
        (await ReadAsync<JsonObject>(context))?["outcome"] is JsonValue value && value.TryGetValue<string>(out var outcome) ? outcome : null;

    private static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Snake, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
