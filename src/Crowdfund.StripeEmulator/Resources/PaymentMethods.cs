using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class PaymentMethodRecord : StripeRecord
{
    public required TestCard Card { get; init; }

    public required long ExpMonth { get; set; }

    public required long ExpYear { get; set; }

    public string? CustomerId { get; set; }

    public string? BillingName { get; set; }

    public string? BillingEmail { get; set; }

    /// <summary>A SetupIntent with <c>usage=off_session</c> succeeded with it: off-session payments need no authentication.</summary>
    public bool SetUpForOffSession { get; set; }

    /// <summary>Detached from its customer: Stripe refuses to use or attach it again.</summary>
    public bool Detached { get; set; }
}

/// <summary>
/// <c>/v1/payment_methods</c>: cards only. A test id such as <c>pm_card_visa</c>, wherever a payment method is
/// expected, makes a fresh <c>pm_...</c> with that card's behaviour, as Stripe does.
/// </summary>
internal static class PaymentMethods
{
    public static void Map(StripeApi api)
    {
        api.Post("/v1/payment_methods", Create, publishable: true);
        api.Get("/v1/payment_methods", List);
        api.Get("/v1/payment_methods/{id}", request => Render(Find(request, request.Route("id"))));
        api.Post("/v1/payment_methods/{id}", Update);
        api.Post("/v1/payment_methods/{id}/attach", Attach);
        api.Post("/v1/payment_methods/{id}/detach", Detach);
    }

    public static PaymentMethodRecord Find(ApiRequest request, string id, string param = "id") =>
        request.Store.PaymentMethods.TryGetValue(id, out var method) ? method : throw StripeErrors.ResourceMissing("payment_method", id, param);

    /// <summary>The payment method an id names: a stored one, or a new one made from a test id.</summary>
    public static PaymentMethodRecord Resolve(ApiRequest request, string id, string param)
    {
        if (TestCards.FromPaymentMethodId(id) is { } card) return Add(request, card, null, null);
        return Find(request, id, param);
    }

    /// <summary>A card given inline, as <c>payment_method_data[type]=card</c> with <c>[card][number]</c> or as <c>POST /v1/payment_methods</c>.</summary>
    public static PaymentMethodRecord FromData(ApiRequest request, FormValue data, string prefix)
    {
        string Name(params string[] path) => path.Aggregate(prefix, (name, field) => name.Length == 0 ? field : $"{name}[{field}]");

        var type = request.Str("type", data) ?? throw StripeErrors.ParameterMissing(Name("type"));
        if (type != "card") throw StripeErrors.ParameterInvalid(Name("type"), $"Invalid {Name("type")}: the Stripe emulator supports only 'card'.");
        var cardData = data["card"] is { IsText: false } given ? given : throw StripeErrors.ParameterMissing(Name("card"));
        TestCard card;
        if (request.Str("token", cardData) is { } token)
        {
            card = TestCards.FromPaymentMethodId("pm_card_" + token.Replace("tok_", "", StringComparison.Ordinal))
                ?? throw StripeErrors.ResourceMissing("token", token, Name("card", "token"));
        }
        else
        {
            var number = request.Str("number", cardData) ?? throw StripeErrors.ParameterMissing(Name("card", "number"));
            card = TestCards.FromNumber(number)
                ?? throw new StripeApiException(402, StripeErrors.Card("incorrect_number", null, "Your card number is incorrect.", Name("card", "number")));
        }
        var method = Add(request, card, request.Long("exp_month", cardData), request.Long("exp_year", cardData));
        if (data["billing_details"] is { IsText: false } billing)
        {
            method.BillingName = request.Str("name", billing);
            method.BillingEmail = request.Str("email", billing);
        }
        return method;
    }

    /// <summary>
    /// The payment method types an intent allows: <c>allowed_payment_method_types[]</c> (Stripe.net 53's name) or the
    /// older <c>payment_method_types[]</c>; only <c>card</c> exists here.
    /// </summary>
    public static List<string> Types(ApiRequest request)
    {
        var name = request.Has("allowed_payment_method_types") ? "allowed_payment_method_types" : "payment_method_types";
        var types = request.Strings(name) ?? ["card"];
        if (types.Count == 0 || types.Any(type => type != "card"))
        {
            throw StripeErrors.ParameterInvalid(name, "The Stripe emulator supports only the payment method type 'card'.");
        }
        return types;
    }

    /// <summary>
    /// Attaches a card to a customer: the issuer checks it first, so a card that declines setups is refused here
    /// (Stripe's "decline after attaching" card, <c>pm_card_chargeCustomerFail</c>, is accepted).
    /// </summary>
    public static void AttachTo(Operation operation, PaymentMethodRecord method, CustomerRecord customer)
    {
        if (method.CustomerId == customer.Id) return;
        if (method.Detached)
        {
            throw StripeErrors.Invalid("The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.", "payment_method");
        }
        if (method.CustomerId is not null)
        {
            throw StripeErrors.Invalid("The payment method you provided has already been attached to a customer.", "payment_method");
        }
        method.CustomerId = customer.Id;
        operation.Emit("payment_method.attached", Render(method));
    }

    public static JsonObject Render(PaymentMethodRecord method) => new()
    {
        ["id"] = method.Id,
        ["object"] = "payment_method",
        ["allow_redisplay"] = "unspecified",
        ["billing_details"] = new JsonObject
        {
            ["address"] = new JsonObject
            {
                ["city"] = null,
                ["country"] = null,
                ["line1"] = null,
                ["line2"] = null,
                ["postal_code"] = null,
                ["state"] = null,
            },
            ["email"] = method.BillingEmail,
            ["name"] = method.BillingName,
            ["phone"] = null,
        },
        ["card"] = RenderCard(method),
        ["created"] = method.Created,
        ["customer"] = method.CustomerId,
        ["livemode"] = false,
        ["metadata"] = Json.Map(method.Metadata),
        ["type"] = "card",
    };

    /// <summary>The card part, also shown in a charge's <c>payment_method_details</c>.</summary>
    public static JsonObject RenderCard(PaymentMethodRecord method) => new()
    {
        ["brand"] = method.Card.Brand,
        ["checks"] = new JsonObject
        {
            ["address_line1_check"] = null,
            ["address_postal_code_check"] = null,
            ["cvc_check"] = "pass",
        },
        ["country"] = "US",
        ["display_brand"] = method.Card.Brand,
        ["exp_month"] = method.ExpMonth,
        ["exp_year"] = method.ExpYear,
        ["fingerprint"] = Fingerprint(method.Card.Number),
        ["funding"] = method.Card.Funding,
        ["generated_from"] = null,
        ["last4"] = method.Card.Last4,
        ["networks"] = new JsonObject { ["available"] = Json.Strings([method.Card.Brand]), ["preferred"] = null },
        ["three_d_secure_usage"] = new JsonObject { ["supported"] = true },
        ["wallet"] = null,
    };

    private static PaymentMethodRecord Add(Operation operation, TestCard card, long? expMonth, long? expYear)
    {
        // Stripe's test payment methods expire a year or more ahead; a fixed month keeps answers easy to compare.
        var now = operation.Emulator.Time.GetUtcNow();
        var method = new PaymentMethodRecord
        {
            Id = Ids.New("pm"),
            Created = operation.Now,
            Seq = operation.NextSeq(),
            Card = card,
            ExpMonth = expMonth ?? 12,
            ExpYear = expYear ?? now.Year + 3,
        };
        operation.Store.PaymentMethods[method.Id] = method;
        return method;
    }

    private static JsonNode Create(ApiRequest request)
    {
        var method = FromData(request, request.Params, "");
        request.ApplyMetadata(method.Metadata);
        return Render(method);
    }

    private static JsonNode Update(ApiRequest request)
    {
        var method = Find(request, request.Route("id"));
        if (request.Object("card") is { } card)
        {
            if (request.Long("exp_month", card) is { } month) method.ExpMonth = month;
            if (request.Long("exp_year", card) is { } year) method.ExpYear = year;
        }
        if (request.Object("billing_details") is { } billing)
        {
            if (billing.Has("name")) method.BillingName = request.Str("name", billing);
            if (billing.Has("email")) method.BillingEmail = request.Str("email", billing);
        }
        request.ApplyMetadata(method.Metadata);
        var rendered = Render(method);
        request.Emit("payment_method.updated", rendered);
        return rendered;
    }

    private static JsonNode Attach(ApiRequest request)
    {
        var customer = Customers.Find(request, request.Required("customer"), "customer");
        var method = Resolve(request, request.Route("id"), "id");
        if (method.Card.SetupDecline is { } decline)
        {
            throw new StripeApiException(402, StripeErrors.Card(decline.Code, decline.DeclineCode, decline.Message));
        }
        AttachTo(request, method, customer);
        return Render(method);
    }

    private static JsonNode Detach(ApiRequest request)
    {
        var method = Find(request, request.Route("id"));
        if (method.CustomerId is not { } customerId)
        {
            throw StripeErrors.Invalid("The payment method you provided is not attached to a customer so detachment is impossible.", "payment_method");
        }
        method.CustomerId = null;
        method.Detached = true;
        if (request.Store.Customers.TryGetValue(customerId, out var customer) && customer.DefaultPaymentMethod == method.Id)
        {
            customer.DefaultPaymentMethod = null;
        }
        var rendered = Render(method);
        request.Emit("payment_method.detached", rendered, new JsonObject { ["customer"] = customerId });
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var customerId = request.Str("customer");
        if (customerId is not null) Customers.Find(request, customerId, "customer");
        var type = request.Str("type");
        var methods = request.Store.PaymentMethods.Values
            .Where(m => (customerId is null || m.CustomerId == customerId) && (type is null || type == "card"));
        return Lists.Page(request, methods, "/v1/payment_methods", Render);
    }

    private static string Fingerprint(string number) =>
        Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes("crowdfund-stripe-emulator:" + number)))[..16];
}
