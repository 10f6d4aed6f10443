using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class PaymentIntentRecord : StripeRecord
{
    public required string ClientSecret { get; init; }

    public required long Amount { get; set; }

    public required string Currency { get; set; }

    public string Status { get; set; } = "requires_payment_method";

    public string? CustomerId { get; set; }

    public string? Description { get; set; }

    public string? ReceiptEmail { get; set; }

    public string? PaymentMethodId { get; set; }

    public string? SetupFutureUsage { get; set; }

    public JsonObject? LastPaymentError { get; set; }

    public string? LatestChargeId { get; set; }

    public long AmountReceived { get; set; }

    public string? ReturnUrl { get; set; }

    /// <summary>The test page's URL while <c>requires_action</c>.</summary>
    public string? ChallengeUrl { get; set; }

    public long? CanceledAt { get; set; }

    public string? CancellationReason { get; set; }
}

/// <summary>
/// <c>/v1/payment_intents</c>, automatic capture only. Off-session confirmation (<c>off_session=true</c>) never waits
/// for the holder: a card that asks for authentication is declined with <c>authentication_required</c>.
/// </summary>
internal static class PaymentIntents
{
    private static readonly HashSet<string> FiftyMinimum = ["usd", "eur", "cad", "gbp", "chf", "aud", "nzd", "sgd"];

    public static void Map(StripeApi api)
    {
        api.Post("/v1/payment_intents", Create);
        api.Get("/v1/payment_intents", List);
        api.Get("/v1/payment_intents/{id}", Retrieve, publishable: true);
        api.Post("/v1/payment_intents/{id}", Update);
        api.Post("/v1/payment_intents/{id}/confirm", Confirm, publishable: true);
        api.Post("/v1/payment_intents/{id}/cancel", Cancel);
    }

    public static JsonObject Render(PaymentIntentRecord intent) => new()
    {
        ["id"] = intent.Id,
        ["object"] = "payment_intent",
        ["amount"] = intent.Amount,
        ["amount_capturable"] = 0,
        ["amount_received"] = intent.AmountReceived,
        ["application"] = null,
        ["application_fee_amount"] = null,
        ["automatic_payment_methods"] = null,
        ["canceled_at"] = intent.CanceledAt,
        ["cancellation_reason"] = intent.CancellationReason,
        ["capture_method"] = "automatic",
        ["client_secret"] = intent.ClientSecret,
        ["confirmation_method"] = "automatic",
        ["created"] = intent.Created,
        ["currency"] = intent.Currency,
        ["customer"] = intent.CustomerId,
        ["description"] = intent.Description,
        ["last_payment_error"] = intent.LastPaymentError?.DeepClone(),
        ["latest_charge"] = intent.LatestChargeId,
        ["livemode"] = false,
        ["metadata"] = Json.Map(intent.Metadata),
        ["next_action"] = Challenges.NextAction(intent.ChallengeUrl, intent.ReturnUrl),
        ["on_behalf_of"] = null,
        ["payment_method"] = intent.PaymentMethodId,
        ["payment_method_configuration_details"] = null,
        ["payment_method_options"] = new JsonObject
        {
            ["card"] = new JsonObject { ["installments"] = null, ["mandate_options"] = null, ["network"] = null, ["request_three_d_secure"] = "automatic" },
        },
        ["payment_method_types"] = Json.Strings(["card"]),
        ["allowed_payment_method_types"] = Json.Strings(["card"]),
        ["processing"] = null,
        ["receipt_email"] = intent.ReceiptEmail,
        ["review"] = null,
        ["setup_future_usage"] = intent.SetupFutureUsage,
        ["shipping"] = null,
        ["source"] = null,
        ["statement_descriptor"] = null,
        ["statement_descriptor_suffix"] = null,
        ["status"] = intent.Status,
        ["transfer_data"] = null,
        ["transfer_group"] = null,
    };

    /// <summary>
    /// Applies the issuer's answer: a charge (succeeded or failed) for every attempt that reached the issuer, the
    /// dispute of the dispute test card, and the events. A decline returns the body of Stripe's 402.
    /// </summary>
    public static JsonObject? Settle(Operation operation, PaymentIntentRecord intent, PaymentMethodRecord method, Attempt attempt)
    {
        Challenges.Clear(operation, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        switch (attempt.Result)
        {
            case AttemptResult.Succeeded:
                var charge = Charges.Create(operation, intent, method, decline: null);
                intent.Status = "succeeded";
                intent.AmountReceived = intent.Amount;
                intent.LatestChargeId = charge.Id;
                if (intent.SetupFutureUsage is not null && intent.CustomerId is { } customerId
                    && operation.Store.Customers.TryGetValue(customerId, out var customer))
                {
                    PaymentMethods.AttachTo(operation, method, customer);
                    if (intent.SetupFutureUsage == "off_session") method.SetUpForOffSession = true;
                }
                operation.Emit("payment_intent.succeeded", Render(intent));
                if (method.Card.Disputed) Disputes.Open(operation, charge);
                return null;
            case AttemptResult.RequiresAction:
                intent.Status = "requires_action";
                intent.ChallengeUrl = Challenges.Open(operation, intent.Id);
                operation.Emit("payment_intent.requires_action", Render(intent));
                return null;
            default:
                var decline = attempt.Decline!;
                var failed = Charges.Create(operation, intent, method, decline);
                intent.LatestChargeId = failed.Id;
                var error = StripeErrors.Card(decline.Code, decline.DeclineCode, decline.Message);
                error["charge"] = failed.Id;
                return Fail(operation, intent, method, error);
        }
    }

    /// <summary>The holder failed (or refused) the 3-D Secure challenge; no charge reaches the issuer.</summary>
    public static void FailAuthentication(Operation operation, PaymentIntentRecord intent, PaymentMethodRecord method)
    {
        Challenges.Clear(operation, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        Fail(operation, intent, method, StripeErrors.Error(StripeErrors.InvalidRequest,
            "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
            "payment_intent_authentication_failure"));
    }

    private static JsonObject Fail(Operation operation, PaymentIntentRecord intent, PaymentMethodRecord method, JsonObject error)
    {
        error["payment_method"] = PaymentMethods.Render(method);
        intent.Status = "requires_payment_method";
        intent.PaymentMethodId = null;
        intent.LastPaymentError = error;
        var rendered = Render(intent);
        operation.Emit("payment_intent.payment_failed", rendered);
        var answer = (JsonObject)error.DeepClone();
        answer["payment_intent"] = rendered;
        return answer;
    }

    private static PaymentIntentRecord Find(ApiRequest request) =>
        request.Store.PaymentIntents.TryGetValue(request.Route("id"), out var intent)
            ? intent
            : throw StripeErrors.ResourceMissing("payment_intent", request.Route("id"), "intent");

    private static JsonNode Create(ApiRequest request)
    {
        var amount = request.Long("amount") ?? throw StripeErrors.ParameterMissing("amount");
        var currency = (request.Str("currency") ?? throw StripeErrors.ParameterMissing("currency")).ToLowerInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
        {
            throw StripeErrors.ParameterInvalid("currency", $"Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, cad, ...");
        }
        if (amount < 1) throw StripeErrors.ParameterInvalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer");
        if (amount < 50 && FiftyMinimum.Contains(currency))
        {
            throw StripeErrors.Invalid($"Amount must be at least 50 in the smallest {currency} unit (0.50 {currency}).", "amount", "amount_too_small", stored: false);
        }
        if (request.Str("capture_method") is { } capture && capture != "automatic")
        {
            throw StripeErrors.ParameterInvalid("capture_method", "The Stripe emulator supports only capture_method=automatic.");
        }
        PaymentMethods.Types(request);
        var customerId = request.Str("customer");
        if (customerId is not null) Customers.Find(request, customerId, "customer");
        var confirm = request.Bool("confirm") ?? false;
        var offSession = OffSession(request);
        if (offSession && !confirm)
        {
            throw StripeErrors.Invalid("You may only specify `off_session` when `confirm=true`.", "off_session", stored: false);
        }
        var id = Ids.New("pi");
        var intent = new PaymentIntentRecord
        {
            Id = id,
            ClientSecret = $"{id}_secret_{Ids.Random(25)}",
            Created = request.Now,
            Seq = request.NextSeq(),
            Amount = amount,
            Currency = currency,
            CustomerId = customerId,
            Description = request.Str("description"),
            ReceiptEmail = request.Str("receipt_email"),
            SetupFutureUsage = FutureUsage(request),
            ReturnUrl = request.Str("return_url"),
        };
        request.ApplyMetadata(intent.Metadata);
        if (ChosenMethod(request) is { } method)
        {
            intent.PaymentMethodId = method.Id;
            intent.Status = "requires_confirmation";
        }
        request.Store.PaymentIntents[intent.Id] = intent;
        request.Emit("payment_intent.created", Render(intent));
        if (confirm) Run(request, intent, offSession);
        return Render(intent);
    }

    private static JsonNode Retrieve(ApiRequest request)
    {
        var intent = Find(request);
        request.RequireClientSecret("PaymentIntent", intent.ClientSecret);
        return Render(intent);
    }

    private static JsonNode Update(ApiRequest request)
    {
        var intent = Find(request);
        if (intent.Status is "succeeded" or "canceled")
        {
            throw StripeErrors.UnexpectedState("payment_intent_unexpected_state", $"You cannot update this PaymentIntent because it has a status of {intent.Status}.");
        }
        if (request.Long("amount") is { } amount)
        {
            intent.Amount = amount >= 1 ? amount : throw StripeErrors.ParameterInvalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer");
        }
        if (request.Str("currency") is { } currency) intent.Currency = currency.ToLowerInvariant();
        if (request.Has("customer"))
        {
            intent.CustomerId = request.Str("customer") is { } customerId ? Customers.Find(request, customerId, "customer").Id : null;
        }
        if (request.Has("description")) intent.Description = request.Str("description");
        if (request.Has("receipt_email")) intent.ReceiptEmail = request.Str("receipt_email");
        if (request.Has("setup_future_usage")) intent.SetupFutureUsage = FutureUsage(request);
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
        request.RequireClientSecret("PaymentIntent", intent.ClientSecret);
        var offSession = OffSession(request);
        if (request.Str("return_url") is { } returnUrl) intent.ReturnUrl = returnUrl;
        if (request.Has("setup_future_usage")) intent.SetupFutureUsage = FutureUsage(request);
        if (ChosenMethod(request) is { } method) intent.PaymentMethodId = method.Id;
        Run(request, intent, offSession);
        return Render(intent);
    }

    private static void Run(ApiRequest request, PaymentIntentRecord intent, bool offSession)
    {
        if (intent.Status is not ("requires_payment_method" or "requires_confirmation"))
        {
            throw StripeErrors.UnexpectedState("payment_intent_unexpected_state", $"You cannot confirm this PaymentIntent because it has a status of {intent.Status}.");
        }
        if (intent.PaymentMethodId is null)
        {
            throw StripeErrors.Invalid("You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with the customer's saved payment method, pass payment_method.", "payment_method", "payment_intent_unexpected_state");
        }
        var method = PaymentMethods.Find(request, intent.PaymentMethodId, "payment_method");
        SetupIntents.Usable(method, intent.CustomerId);
        intent.LastPaymentError = null;
        var attempt = CardNetwork.Pay(method.Card, method.SetUpForOffSession, offSession, authenticated: false);
        if (attempt.Result == AttemptResult.RequiresAction && (request.Bool("error_on_requires_action") ?? false))
        {
            attempt = Attempt.Declined(Decline.AuthenticationRequired);
        }
        if (Settle(request, intent, method, attempt) is { } declined) throw new StripeApiException(402, declined);
    }

    /// <summary><c>off_session</c> is a boolean, or <c>one_off</c>/<c>recurring</c>, both of which mean true.</summary>
    private static bool OffSession(ApiRequest request) => request.Str("off_session") switch
    {
        null or "false" => false,
        "true" or "one_off" or "recurring" => true,
        var other => throw StripeErrors.ParameterInvalid("off_session", $"Invalid off_session: {other}"),
    };

    private static string? FutureUsage(ApiRequest request) => request.Str("setup_future_usage") switch
    {
        null => null,
        "off_session" => "off_session",
        "on_session" => "on_session",
        var other => throw StripeErrors.ParameterInvalid("setup_future_usage", $"Invalid setup_future_usage: {other}"),
    };

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
            throw StripeErrors.UnexpectedState("payment_intent_unexpected_state",
                $"You cannot cancel this PaymentIntent because it has a status of {intent.Status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.");
        }
        Challenges.Clear(request, intent.ChallengeUrl);
        intent.ChallengeUrl = null;
        intent.Status = "canceled";
        intent.CanceledAt = request.Now;
        intent.CancellationReason = request.Str("cancellation_reason");
        var rendered = Render(intent);
        request.Emit("payment_intent.canceled", rendered);
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var customerId = request.Str("customer");
        var intents = request.Store.PaymentIntents.Values.Where(i => customerId is null || i.CustomerId == customerId);
        return Lists.Page(request, intents, "/v1/payment_intents", Render);
    }
}
