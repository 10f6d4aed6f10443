using System.Text;
using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Reliability;
using Crowdfund.StripeEmulator.Resources;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>An endpoint's work, run under the store's lock; it answers 200 with the JSON or throws <see cref="StripeApiException"/>.</summary>
internal delegate JsonNode Handler(ApiRequest request);

/// <summary>
/// The <c>/v1</c> request pipeline, in Stripe's order: parameters, API key, rate limit, injected 429/500, idempotency,
/// an injected delay, the endpoint itself (under the store's lock), <c>expand[]</c>, and the answer with Stripe's headers
/// (<c>Request-Id</c>, <c>Stripe-Version</c>, <c>Idempotency-Key</c>, <c>Idempotent-Replayed</c>, <c>Stripe-Should-Retry</c>).
/// </summary>
internal sealed partial class StripeApi(IEndpointRouteBuilder routes, Emulator emulator, ILogger logger)
{
    public void Get(string pattern, Handler handler, bool publishable = false) => Map(HttpMethods.Get, pattern, handler, publishable);

    public void Post(string pattern, Handler handler, bool publishable = false) => Map(HttpMethods.Post, pattern, handler, publishable);

    public void Delete(string pattern, Handler handler) => Map(HttpMethods.Delete, pattern, handler, publishable: false);

    /// <summary>Any other <c>/v1</c> URL: Stripe's 404 "Unrecognized request URL".</summary>
    public void MapUnrecognized() =>
        routes.Map("/v1/{**path}", new RequestDelegate(context =>
            WriteAsync(context, StripeErrors.UnrecognizedUrl(context.Request.Method, context.Request.Path)))).WithOrder(int.MaxValue);

    private void Map(string method, string pattern, Handler handler, bool publishable) =>
        routes.MapMethods(pattern, [method], new RequestDelegate(context => RunAsync(context, handler, publishable)));

    private async Task RunAsync(HttpContext context, Handler handler, bool publishable)
    {
        var http = context.Request;
        var isPost = HttpMethods.IsPost(http.Method);
        var requestId = Ids.New("req", 14);
        var idempotencyKey = isPost && http.Headers.TryGetValue("Idempotency-Key", out var sent) && sent.ToString().Length > 0 ? sent.ToString() : null;
        var headers = context.Response.Headers;
        headers["Request-Id"] = requestId;
        headers["Stripe-Version"] = http.Headers.TryGetValue("Stripe-Version", out var version) && version.ToString().Length > 0 ? version.ToString() : emulator.ApiVersion;
        if (idempotencyKey is not null) headers["Idempotency-Key"] = idempotencyKey;
        // Stripe's API answers any origin, so a page's script (Stripe.js, or a page driving this emulator) can read
        // what a browser-side call returned, such as a payment's next_action.
        if (publishable) headers.AccessControlAllowOrigin = "*";

        string? apiKey = null;
        var claimed = false;
        try
        {
            var parameters = FormParser.Parse(isPost ? await ReadBodyAsync(http) : http.QueryString.Value?.TrimStart('?') ?? "");
            (apiKey, var caller) = Authenticate(http, parameters, publishable);
            if (caller == KeyKind.Secret) emulator.Counters.Request();
            if (!emulator.RateLimiter.TryTake(apiKey))
            {
                if (caller == KeyKind.Secret) emulator.Counters.Limited();
                throw StripeErrors.RateLimited();
            }

            var fault = emulator.Faults.Draw(isPost);
            if (fault.RateLimit) throw StripeErrors.RateLimited();
            if (fault.ServerError) throw StripeErrors.ServerError();

            if (idempotencyKey is not null)
            {
                if (idempotencyKey.Length > 255) throw StripeErrors.Invalid("Idempotency keys can have up to 255 characters.", stored: false);
                var fingerprint = string.Join('&', parameters.Flatten());
                var (verdict, answer) = emulator.Idempotency.Begin(apiKey, idempotencyKey, $"{http.Method} {http.Path}", fingerprint, emulator.Time.GetUtcNow());
                switch (verdict)
                {
                    case IdempotencyVerdict.Replay:
                        headers["Request-Id"] = answer!.RequestId;
                        headers["Idempotent-Replayed"] = "true";
                        await WriteAsync(context, answer.Status, answer.Body);
                        return;
                    case IdempotencyVerdict.OtherParameters:
                        throw StripeErrors.IdempotencyMismatch(idempotencyKey);
                    case IdempotencyVerdict.OtherEndpoint:
                        throw StripeErrors.IdempotencyOtherEndpoint(idempotencyKey);
                    case IdempotencyVerdict.InFlight:
                        throw StripeErrors.IdempotencyInFlight();
                }
                claimed = true;
            }

            // Slow as Stripe is when it takes its time executing: the key is already claimed, so a client that gives up
            // and retries with it meanwhile gets 409 idempotency_key_in_use, never a second execution.
            if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay, emulator.Time, context.RequestAborted);

            var (status, body, keep) = Execute(context, handler, parameters, caller, requestId, idempotencyKey);
            if (claimed)
            {
                if (keep) emulator.Idempotency.Complete(apiKey, idempotencyKey!, new StoredAnswer(status, body, requestId));
                else emulator.Idempotency.Release(apiKey, idempotencyKey!);
                claimed = false;
            }
            if (fault.DropAfterWrite)
            {
                // The write is applied and its answer stored: the client sees a broken connection and must retry.
                context.Abort();
                return;
            }
            await WriteAsync(context, status, body);
        }
        catch (StripeApiException refused)
        {
            if (claimed) emulator.Idempotency.Release(apiKey!, idempotencyKey!);
            await WriteAsync(context, refused);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            if (claimed) emulator.Idempotency.Release(apiKey!, idempotencyKey!);
        }
    }

    private (int Status, string Body, bool Keep) Execute(HttpContext context, Handler handler, FormValue parameters, KeyKind caller, string requestId, string? idempotencyKey)
    {
        var request = new ApiRequest(emulator, context, parameters, caller, requestId, idempotencyKey);
        lock (emulator.Store.Gate)
        {
            try
            {
                var answer = handler(request);
                if (request.Strings("expand") is { Count: > 0 } expand)
                {
                    Expansion.Apply(answer, expand, id => Objects.Render(emulator.Store, id));
                }
                return (200, Json.Write(answer), true);
            }
            catch (StripeApiException refused)
            {
                return (refused.Status, Json.Write(refused.Body()), refused.Stored);
            }
            catch (Exception crash) when (crash is not OperationCanceledException)
            {
                LogCrash(crash, context.Request.Method, context.Request.Path);
                var error = StripeErrors.Error("api_error", "An unknown error occurred in the Stripe emulator.");
                return (500, Json.Write(new JsonObject { ["error"] = error }), false);
            }
        }
    }

    private (string Key, KeyKind Caller) Authenticate(HttpRequest http, FormValue parameters, bool publishable)
    {
        var key = KeyFromHeader(http.Headers.Authorization.ToString()) ?? (parameters["key"] is { IsText: true } field ? field.Text : null);
        if (string.IsNullOrEmpty(key)) throw StripeErrors.NoApiKey();
        if (key == emulator.SecretKey) return (key, KeyKind.Secret);
        if (key == emulator.PublishableKey) return publishable ? (key, KeyKind.Publishable) : throw StripeErrors.SecretKeyRequired();
        throw StripeErrors.InvalidApiKey(key);
    }

    /// <summary>Bearer, or Basic with the key as user name (<c>curl -u sk_test_...:</c>).</summary>
    internal static string? KeyFromHeader(string authorization)
    {
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon >= 0 ? decoded[..colon] : decoded;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest http)
    {
        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
    }

    private static Task WriteAsync(HttpContext context, StripeApiException refused)
    {
        // Stripe.net retries what this header allows: a refused-before-executing 500 and a 409 of a key still in
        // flight are safe to retry; a rate limit is not retried by Stripe's libraries.
        var retry = refused.Status switch
        {
            429 => "false",
            409 or 500 => "true",
            _ => null,
        };
        if (retry is not null) context.Response.Headers["Stripe-Should-Retry"] = retry;
        return WriteAsync(context, refused.Status, Json.Write(refused.Body()));
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The Stripe emulator failed on {Method} {Path}")]
    private partial void LogCrash(Exception exception, string method, string path);
}
