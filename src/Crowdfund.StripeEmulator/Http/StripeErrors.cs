using System.Text.Json.Nodes;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>
/// An answer in Stripe's error shape, <c>{"error": {...}}</c>, thrown from a handler. <see cref="Stored"/> says whether
/// the idempotency layer keeps it: Stripe keeps what an endpoint answered once it began executing (card declines,
/// missing objects) but not refusals of the parameters themselves, which a corrected retry may send again.
/// </summary>
internal sealed class StripeApiException(int status, JsonObject error, bool stored = true) : Exception(error["message"]?.GetValue<string>())
{
    public int Status { get; } = status;

    public JsonObject Error { get; } = error;

    public bool Stored { get; } = stored;

    public JsonObject Body() => new() { ["error"] = Error.DeepClone() };
}

internal static class StripeErrors
{
    public const string InvalidRequest = "invalid_request_error";

    public static JsonObject Error(string type, string message, string? code = null, string? param = null, string? declineCode = null)
    {
        var error = new JsonObject();
        if (code is not null) error["code"] = code;
        if (declineCode is not null) error["decline_code"] = declineCode;
        if (code is not null) error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        error["message"] = message;
        if (param is not null) error["param"] = param;
        error["type"] = type;
        return error;
    }

    /// <summary>A <c>card_error</c>, the body of a 402 and the shape of <c>last_payment_error</c>/<c>last_setup_error</c>.</summary>
    public static JsonObject Card(string code, string? declineCode, string message, string? param = null) =>
        Error("card_error", message, code, param, declineCode);

    public static StripeApiException ResourceMissing(string objectName, string id, string param = "id") =>
        new(404, Error(InvalidRequest, $"No such {objectName}: '{id}'", "resource_missing", param));

    public static StripeApiException ParameterMissing(string param) =>
        new(400, Error(InvalidRequest, $"Missing required param: {param}.", "parameter_missing", param), stored: false);

    public static StripeApiException ParameterInvalid(string param, string message, string code = "parameter_invalid_string") =>
        new(400, Error(InvalidRequest, message, code, param), stored: false);

    public static StripeApiException Invalid(string message, string? param = null, string? code = null, bool stored = true) =>
        new(400, Error(InvalidRequest, message, code, param), stored);

    public static StripeApiException UnexpectedState(string code, string message) =>
        new(400, Error(InvalidRequest, message, code));

    public static StripeApiException UnrecognizedUrl(string method, string path) =>
        new(404, Error(InvalidRequest, $"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."), stored: false);

    public static StripeApiException NoApiKey() =>
        new(401, Error(InvalidRequest, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."), stored: false);

    public static StripeApiException InvalidApiKey(string key) =>
        new(401, Error(InvalidRequest, $"Invalid API Key provided: {Redact(key)}"), stored: false);

    public static StripeApiException SecretKeyRequired() =>
        new(401, Error(InvalidRequest, "This API call cannot be made with a publishable API key. Please use a secret API key.", "secret_key_required"), stored: false);

    public static StripeApiException RateLimited() =>
        new(429, Error(InvalidRequest, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit"), stored: false);

    public static StripeApiException ServerError() =>
        new(500, Error("api_error", "An unknown error occurred while processing this request (fault injected by the Stripe emulator)."), stored: false);

    public static StripeApiException IdempotencyMismatch(string key) =>
        new(400, Error("idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."), stored: false);

    public static StripeApiException IdempotencyOtherEndpoint(string key) =>
        new(400, Error("idempotency_error", $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{key}')."), stored: false);

    public static StripeApiException IdempotencyInFlight() =>
        new(409, Error(InvalidRequest, "There is currently another in-progress request using this idempotency key (the original request is still executing). Retry this request later.", "idempotency_key_in_use"), stored: false);

    private static string Redact(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : $"{key[..8]}{new string('*', key.Length - 12)}{key[^4..]}";
}
