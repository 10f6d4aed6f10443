using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class SetupIntentRecord : StripeRecord
{
    public required string ClientSecret { get; init; }

    public string Status { get; set; } = "requires_payment_method";

    public string? CustomerId { get; set; }

    public string? Description { get; set; }

    public string Usage { get; set; } = "off_session";

    public List<string> PaymentMethodTypes { get; set; } = ["card"];

    public string? PaymentMethodId { get; set; }

    public JsonObject? LastSetupError { get; set; }

    public string? ReturnUrl { get; set; }

    /// <summary>The test page's URL while <c>requires_action</c>.</summary>
    public string? ChallengeUrl { get; set; }

    public string? CancellationReason { get; set; }
}

/// <summary><c>/v1/setup_intents</c>: saving a card for later off-session payments, with 3-D Secure when the card asks.</summary>
internal static class SetupIntents
{
    public static void Map(StripeApi api)
    {
        api.Post("/v1/setup_intents", Create);
        api.Get("/v1/setup_intents", List);
        api.Get("/v1/setup_intents/{id}", Retrieve, publishable: true);
        api.Post("/v1/setup_intents/{id}", Update);
        api.Post("/v1/setup_intents/{id}/confirm", Confirm, publishable: true);
        api.Post("/v1/setup_intents/{id}/cancel", Cancel);
    }

    public static JsonObject Render(SetupIntentRecord intent) => new()
    {
        ["id"] = intent.Id,
        ["object"] = "setup_intent",
        ["application"] = null,
        ["automatic_payment_methods"] = null,
        ["cancellation_reason"] = intent.CancellationReason,
        ["client_secret"] = intent.ClientSecret,
        ["created"] = intent.Created,
        ["customer"] = intent.CustomerId,
        ["description"] = intent.Description,
        ["flow_directions"] = null,
        ["last_setup_error"] = intent.LastSetupError?.DeepClone(),
        ["latest_attempt"] = null,
        ["livemode"] = false,
        ["mandate"] = null,
        ["metadata"] = Json.Map(intent.Metadata),
        ["next_action"] = Challenges.NextAction(intent.ChallengeUrl, intent.ReturnUrl),
        ["on_behalf_of"] = null,
        ["payment_method"] = intent.PaymentMethodId,
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject
        {
            ["card"] = new JsonObject { ["mandate_options"] = null, ["network"] = null, ["request_three_d_secure"] = "automatic" },
        },
        ["payment_method_types"] = Json.Strings(intent.PaymentMethodTypes),
        ["allowed_payment_method_types"] = Json.Strings(intent.PaymentMethodTypes),
        ["single_use_mandate"] = null,
        ["status"] = intent.Status,
        ["usage"] = intent.Usage,
    };

    /// <summary>
    /// Applies the issuer's answer. A decline leaves the intent waiting for another card and returns the body of
    /// Stripe's 402, which carries the intent.
    /// </summary>
    public static JsonObject? Settle(Operation operation, SetupIntentRecord intent, PaymentMethodRecord method, Attempt attempt)
    {
        Challenges.Clear(operation, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        switch (attempt.Result)
        {
            case AttemptResult.Succeeded:
                intent.Status = "succeeded";
                if (intent.CustomerId is { } customerId && operation.Store.Customers.TryGetValue(customerId, out var customer))
                {
                    PaymentMethods.AttachTo(operation, method, customer);
                }
                if (intent.Usage == "off_session") method.SetUpForOffSession = true;
                operation.Emit("setup_intent.succeeded", Render(intent));
                return null;
            case AttemptResult.RequiresAction:
                intent.Status = "requires_action";
                intent.ChallengeUrl = Challenges.Open(operation, intent.Id);
                operation.Emit("setup_intent.requires_action", Render(intent));
                return null;
            default:
                var decline = attempt.Decline!;
                return Fail(operation, intent, method, StripeErrors.Card(decline.Code, decline.DeclineCode, decline.Message));
        }
    }

    /// <summary>The holder failed (or refused) the 3-D Secure challenge.</summary>
    public static void FailAuthentication(Operation operation, SetupIntentRecord intent, PaymentMethodRecord method)
    {
        Challenges.Clear(operation, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        Fail(operation, intent, method, StripeErrors.Error(StripeErrors.InvalidRequest,
            "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
            "setup_intent_authentication_failure"));
    }

    private static JsonObject Fail(Operation operation, SetupIntentRecord intent, PaymentMethodRecord method, JsonObject error)
    {
        error["payment_method"] = PaymentMethods.Render(method);
        intent.Status = "requires_payment_method";
        intent.PaymentMethodId = null;
        intent.LastSetupError = error;
        var rendered = Render(intent);
        operation.Emit("setup_intent.setup_failed", rendered);
        var answer = (JsonObject)error.DeepClone();
        answer["setup_intent"] = rendered;
        return answer;
    }

    private static SetupIntentRecord Find(ApiRequest request) =>
        request.Store.SetupIntents.TryGetValue(request.Route("id"), out var intent)
            ? intent
            : throw StripeErrors.ResourceMissing("setup_intent", request.Route("id"), "intent");

    private static JsonNode Create(ApiRequest request)
    {
        var customerId = request.Str("customer");
        if (customerId is not null) Customers.Find(request, customerId, "customer");
        var usage = request.Str("usage") ?? "off_session";
        if (usage is not ("off_session" or "on_session")) throw StripeErrors.ParameterInvalid("usage", "Invalid usage: must be one of on_session or off_session");
        var types = PaymentMethods.Types(request);
        var confirm = request.Bool("confirm") ?? false;
        var id = Ids.New("seti");
        var intent = new SetupIntentRecord
        {
            Id = id,
            ClientSecret = $"{id}_secret_{Ids.Random(25)}",
            Created = request.Now,
            Seq = request.NextSeq(),
            CustomerId = customerId,
            Description = request.Str("description"),
            Usage = usage,
            PaymentMethodTypes = types,
            ReturnUrl = request.Str("return_url"),
        };
        request.ApplyMetadata(intent.Metadata);
        var method = ChosenMethod(request);
        if (method is not null)
        {
            intent.PaymentMethodId = method.Id;
            intent.Status = "requires_confirmation";
        }
        request.Store.SetupIntents[intent.Id] = intent;
        request.Emit("setup_intent.created", Render(intent));
        if (confirm) Run(request, intent);
        return Render(intent);
    }

    private static JsonNode Retrieve(ApiRequest request)
    {
        var intent = Find(request);
        request.RequireClientSecret("SetupIntent", intent.ClientSecret);
        return Render(intent);
    }

    private static JsonNode Update(ApiRequest request)
    {
        var intent = Find(request);
        if (intent.Status is "succeeded" or "canceled")
        {
            throw StripeErrors.UnexpectedState("setup_intent_unexpected_state", $"You cannot update this SetupIntent because it has a status of {intent.Status}.");
        }
        if (request.Has("customer"))
        {
            intent.CustomerId = request.Str("customer") is { } customerId ? Customers.Find(request, customerId, "customer").Id : null;
        }
        if (request.Has("description")) intent.Description = request.Str("description");
        if (ChosenMethod(request) is { } method)
        {
            intent.PaymentMethodId = method.Id;
            intent.Status = "requires_confirmation";
        }
        request.ApplyMetadata(intent.Metadata);
        return Render(intent);
    }

    private static JsonNode Confirm(ApiRequest request)
    {
        var intent = Find(request);
        request.RequireClientSecret("SetupIntent", intent.ClientSecret);
        if (request.Str("return_url") is { } returnUrl) intent.ReturnUrl = returnUrl;
        if (ChosenMethod(request) is { } method) intent.PaymentMethodId = method.Id;
        Run(request, intent);
        return Render(intent);
    }

    /// <summary>Confirms: the card is checked by its issuer, which may ask for authentication or decline.</summary>
    private static void Run(ApiRequest request, SetupIntentRecord intent)
    {
        if (intent.Status is not ("requires_payment_method" or "requires_confirmation"))
        {
            throw StripeErrors.UnexpectedState("setup_intent_unexpected_state", $"You cannot confirm this SetupIntent because it has a status of {intent.Status}.");
        }
        if (intent.PaymentMethodId is null)
        {
            throw StripeErrors.Invalid("You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.", "payment_method", "setup_intent_unexpected_state");
        }
        var method = PaymentMethods.Find(request, intent.PaymentMethodId, "payment_method");
        Usable(method, intent.CustomerId);
        intent.LastSetupError = null;
        if (Settle(request, intent, method, CardNetwork.Setup(method.Card, authenticated: false)) is { } declined)
        {
            throw new StripeApiException(402, declined);
        }
    }

    /// <summary>A card belongs to one customer, and a detached one is never used again.</summary>
    internal static void Usable(PaymentMethodRecord method, string? customerId)
    {
        if (method.Detached)
        {
            throw StripeErrors.Invalid("The provided PaymentMethod was previously detached from a Customer. It may not be used again.", "payment_method");
        }
        if (method.CustomerId is not null && method.CustomerId != customerId)
        {
            throw StripeErrors.Invalid($"The provided PaymentMethod belongs to a Customer other than {customerId ?? "none"}; it can be used only with its own Customer.", "payment_method");
        }
    }

    private static PaymentMethodRecord? ChosenMethod(ApiRequest request)
    {
        if (request.Str("payment_method") is { } methodId) return PaymentMethods.Resolve(request, methodId, "payment_method");
        if (request.Object("payment_method_data") is { } data) return PaymentMethods.FromData(request, data, "payment_method_data");
        return null;
    }

    private static JsonNode Cancel(ApiRequest request)
    {
        var intent = Find(request);
        if (intent.Status is not ("requires_payment_method" or "requires_confirmation" or "requires_action"))
        {
            throw StripeErrors.UnexpectedState("setup_intent_unexpected_state", $"You cannot cancel this SetupIntent because it has a status of {intent.Status}.");
        }
        Challenges.Clear(request, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        intent.Status = "canceled";
        intent.CancellationReason = request.Str("cancellation_reason");
        var rendered = Render(intent);
        request.Emit("setup_intent.canceled", rendered);
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var customerId = request.Str("customer");
        var methodId = request.Str("payment_method");
        var intents = request.Store.SetupIntents.Values
            .Where(i => (customerId is null || i.CustomerId == customerId) && (methodId is null || i.PaymentMethodId == methodId));
        return Lists.Page(request, intents, "/v1/setup_intents", Render);
    }
}
