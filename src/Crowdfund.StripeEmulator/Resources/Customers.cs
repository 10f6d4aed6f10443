using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class CustomerRecord : StripeRecord
{
    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? Phone { get; set; }

    public string? DefaultPaymentMethod { get; set; }

    public bool Deleted { get; set; }
}

/// <summary><c>/v1/customers</c>: create, retrieve, update, delete, list (by <c>email</c>), and the customer's cards.</summary>
internal static class Customers
{
    public static void Map(StripeApi api)
    {
        api.Post("/v1/customers", Create);
        api.Get("/v1/customers", List);
        api.Get("/v1/customers/{id}", request => Render(Find(request, request.Route("id"), allowDeleted: true)));
        api.Post("/v1/customers/{id}", Update);
        api.Delete("/v1/customers/{id}", Delete);
        api.Get("/v1/customers/{id}/payment_methods", ListPaymentMethods);
    }

    public static CustomerRecord Find(ApiRequest request, string id, string param = "id", bool allowDeleted = false)
    {
        if (request.Store.Customers.TryGetValue(id, out var customer) && (allowDeleted || !customer.Deleted)) return customer;
        throw StripeErrors.ResourceMissing("customer", id, param);
    }

    public static JsonObject Render(CustomerRecord customer)
    {
        if (customer.Deleted) return new JsonObject { ["id"] = customer.Id, ["object"] = "customer", ["deleted"] = true };
        return new JsonObject
        {
            ["id"] = customer.Id,
            ["object"] = "customer",
            ["address"] = null,
            ["balance"] = 0,
            ["created"] = customer.Created,
            ["currency"] = null,
            ["default_source"] = null,
            ["delinquent"] = false,
            ["description"] = customer.Description,
            ["email"] = customer.Email,
            ["invoice_prefix"] = customer.Id[4..12].ToUpperInvariant(),
            ["invoice_settings"] = new JsonObject
            {
                ["custom_fields"] = null,
                ["default_payment_method"] = customer.DefaultPaymentMethod,
                ["footer"] = null,
                ["rendering_options"] = null,
            },
            ["livemode"] = false,
            ["metadata"] = Json.Map(customer.Metadata),
            ["name"] = customer.Name,
            ["next_invoice_sequence"] = 1,
            ["phone"] = customer.Phone,
            ["preferred_locales"] = new JsonArray(),
            ["shipping"] = null,
            ["tax_exempt"] = "none",
            ["test_clock"] = null,
        };
    }

    private static JsonNode Create(ApiRequest request)
    {
        var customer = new CustomerRecord { Id = Ids.New("cus", 14), Created = request.Now, Seq = request.NextSeq() };
        Apply(request, customer);
        request.Store.Customers[customer.Id] = customer;
        var rendered = Render(customer);
        request.Emit("customer.created", rendered);
        return rendered;
    }

    private static JsonNode Update(ApiRequest request)
    {
        var customer = Find(request, request.Route("id"));
        var before = Render(customer);
        Apply(request, customer);
        var rendered = Render(customer);
        request.Emit("customer.updated", rendered, Json.Changed(before, rendered));
        return rendered;
    }

    private static void Apply(ApiRequest request, CustomerRecord customer)
    {
        if (request.Has("email")) customer.Email = request.Str("email");
        if (request.Has("name")) customer.Name = request.Str("name");
        if (request.Has("description")) customer.Description = request.Str("description");
        if (request.Has("phone")) customer.Phone = request.Str("phone");
        if (request.Object("invoice_settings") is { } settings && settings.Has("default_payment_method"))
        {
            var methodId = request.Str("default_payment_method", settings);
            if (methodId is not null)
            {
                var method = PaymentMethods.Find(request, methodId, "invoice_settings[default_payment_method]");
                if (method.CustomerId != customer.Id)
                {
                    throw StripeErrors.Invalid($"The customer does not have a payment method with the ID {methodId}. The payment method must be attached to the customer.", "invoice_settings[default_payment_method]");
                }
            }
            customer.DefaultPaymentMethod = methodId;
        }
        request.ApplyMetadata(customer.Metadata);
    }

    private static JsonNode Delete(ApiRequest request)
    {
        var customer = Find(request, request.Route("id"));
        var rendered = Render(customer);
        customer.Deleted = true;
        request.Emit("customer.deleted", rendered);
        return Render(customer);
    }

    private static JsonNode List(ApiRequest request)
    {
        var email = request.Str("email");
        var customers = request.Store.Customers.Values.Where(c => !c.Deleted && (email is null || c.Email == email));
        return Lists.Page(request, customers, "/v1/customers", Render);
    }

    private static JsonNode ListPaymentMethods(ApiRequest request)
    {
        var customer = Find(request, request.Route("id"), "customer");
        var type = request.Str("type");
        var methods = request.Store.PaymentMethods.Values.Where(m => m.CustomerId == customer.Id && (type is null || type == "card"));
        return Lists.Page(request, methods, $"/v1/customers/{customer.Id}/payment_methods", PaymentMethods.Render);
    }
}
