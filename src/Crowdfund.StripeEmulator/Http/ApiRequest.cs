using System.Globalization;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Http;

internal enum KeyKind
{
    Secret,
    Publishable,
}

/// <summary>An API call being executed: its parameters, who made it, and typed readers that refuse bad values as Stripe does.</summary>
internal sealed class ApiRequest(Emulator emulator, HttpContext http, FormValue parameters, KeyKind caller, string requestId, string? idempotencyKey)
    : Operation(emulator, $"{http.Request.Scheme}://{http.Request.Host}", requestId, idempotencyKey)
{
    public FormValue Params { get; } = parameters;

    public KeyKind Caller { get; } = caller;

    public string Route(string name) => http.GetRouteValue(name)?.ToString() ?? "";

    public bool Has(string name) => Params.Has(name);

    /// <summary>A string parameter; null when absent or sent empty (Stripe's way of clearing a field).</summary>
    public string? Str(string name, FormValue? from = null)
    {
        var value = (from ?? Params)[name];
        if (value is null) return null;
        if (!value.IsText) throw StripeErrors.ParameterInvalid(name, "Invalid string: {...}");
        return value.Text!.Length == 0 ? null : value.Text;
    }

    public string Required(string name, FormValue? from = null) => Str(name, from) ?? throw StripeErrors.ParameterMissing(name);

    public long? Long(string name, FormValue? from = null)
    {
        var text = Str(name, from);
        if (text is null) return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw StripeErrors.ParameterInvalid(name, $"Invalid integer: {text}", "parameter_invalid_integer");
    }

    public bool? Bool(string name, FormValue? from = null)
    {
        var text = Str(name, from);
        return text switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw StripeErrors.ParameterInvalid(name, $"Invalid boolean: {text}"),
        };
    }

    /// <summary>A list of strings: <c>name[]=a</c>, <c>name[0]=a</c>, or a lone <c>name=a</c>.</summary>
    public List<string>? Strings(string name)
    {
        var value = Params[name];
        if (value is null) return null;
        if (value.IsText) return value.Text!.Length == 0 ? [] : [value.Text];
        return value.Items.Select(item => item.Text ?? throw StripeErrors.ParameterInvalid(name, "Invalid array")).ToList();
    }

    public FormValue? Object(string name)
    {
        var value = Params[name];
        if (value is null || value is { IsText: true, Text.Length: 0 }) return null;
        return value.IsText ? throw StripeErrors.ParameterInvalid(name, "Invalid object", "parameter_invalid_object") : value;
    }

    /// <summary>
    /// Applies <c>metadata</c> as Stripe does: keys are set, a key sent empty is removed, <c>metadata=</c> clears all.
    /// </summary>
    public void ApplyMetadata(Dictionary<string, string> metadata)
    {
        var value = Params["metadata"];
        if (value is null) return;
        if (value.IsText)
        {
            if (value.Text!.Length > 0) throw StripeErrors.ParameterInvalid("metadata", "Invalid object", "parameter_invalid_object");
            metadata.Clear();
            return;
        }
        foreach (var (key, entry) in value.Fields)
        {
            if (!entry.IsText) throw StripeErrors.ParameterInvalid($"metadata[{key}]", "Metadata values must be strings.");
            if (key.Length > 40) throw StripeErrors.ParameterInvalid($"metadata[{key}]", "Metadata keys can have up to 40 characters.");
            if (entry.Text!.Length == 0) metadata.Remove(key);
            else metadata[key] = entry.Text.Length <= 500 ? entry.Text : throw StripeErrors.ParameterInvalid($"metadata[{key}]", "Metadata values can have up to 500 characters.");
        }
        if (metadata.Count > 50) throw StripeErrors.ParameterInvalid("metadata", "Metadata can have up to 50 keys.");
    }

    /// <summary>
    /// With the publishable key, an intent is reached only with its client secret, as Stripe.js does; the secret key
    /// needs none.
    /// </summary>
    public void RequireClientSecret(string objectName, string clientSecret)
    {
        if (Caller == KeyKind.Secret) return;
        var sent = Str("client_secret") ?? throw StripeErrors.ParameterMissing("client_secret");
        if (!string.Equals(sent, clientSecret, StringComparison.Ordinal))
        {
            throw StripeErrors.Invalid($"The client_secret provided does not match the client_secret associated with the {objectName}.", "client_secret", stored: false);
        }
    }
}
