using System.Net;
using System.Net.Http.Headers;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class CustomerTests : EmulatorTests
{
    [Test]
    public async Task Customers_listed_by_email_come_newest_first_and_auto_paging_walks_every_page()
    {
        var email = Emulated.Email("paged");
        var created = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
            {
                Email = email,
                Name = $"Backer {i}",
                Metadata = new Dictionary<string, string> { ["campaign"] = "retro-phone", ["n"] = i.ToString() },
            });
            created.Add(customer.Id);
        }
        await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("other") });

        var first = await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 10 });
        Assert.That(first.Data.Select(c => c.Id), Is.EqualTo(created.AsEnumerable().Reverse().Take(10)));
        Assert.That(first.HasMore, Is.True);
        Assert.That(first.Url, Is.EqualTo("/v1/customers"));

        var all = new List<Customer>();
        await foreach (var customer in stripe.V1.Customers.ListAutoPagingAsync(new CustomerListOptions { Email = email, Limit = 10 }))
        {
            all.Add(customer);
        }
        Assert.That(all.Select(c => c.Id), Is.EqualTo(created.AsEnumerable().Reverse()));
        Assert.That(all[0].Metadata["campaign"], Is.EqualTo("retro-phone"));
        Assert.That(all[0].Livemode, Is.False);

        var newer = await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 3, EndingBefore = created[5] });
        Assert.That(newer.Data.Select(c => c.Id), Is.EqualTo(new[] { created[8], created[7], created[6] }));
        Assert.That(newer.HasMore, Is.True);
    }

    [Test]
    public async Task A_customer_is_updated_with_metadata_removed_by_an_empty_value_then_deleted()
    {
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = Emulated.Email("update"),
            Metadata = new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" },
        });

        var updated = await stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            Name = "Ada",
            Metadata = new Dictionary<string, string> { ["drop"] = "", ["new"] = "3" },
        });
        Assert.That(updated.Name, Is.EqualTo("Ada"));
        Assert.That(updated.Metadata, Is.EqualTo(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "3" }));

        var deleted = await stripe.V1.Customers.DeleteAsync(customer.Id);
        Assert.That(deleted.Deleted, Is.True);
        var listed = await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = customer.Email });
        Assert.That(listed.Data, Is.Empty);
        var events = await stripe.V1.Events.ListAsync(new EventListOptions { Type = "customer.*", Limit = 100 });
        Assert.That(events.Data.Where(e => e.Data.Object is Customer c && c.Id == customer.Id).Select(e => e.Type),
            Is.EqualTo(new[] { "customer.deleted", "customer.updated", "customer.created" }));
    }

    [Test]
    public async Task A_missing_object_is_Stripes_404_resource_missing_naming_the_id()
    {
        var missing = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Customers.GetAsync("cus_doesnotexist"));

        Assert.That(missing!.HttpStatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(missing.StripeError.Type, Is.EqualTo("invalid_request_error"));
        Assert.That(missing.StripeError.Code, Is.EqualTo("resource_missing"));
        Assert.That(missing.StripeError.Param, Is.EqualTo("id"));
        Assert.That(missing.StripeError.Message, Does.Contain("cus_doesnotexist"));
        Assert.That(missing.StripeResponse.RequestId, Does.StartWith("req_"));
    }

    [Test]
    public async Task A_wrong_or_missing_key_is_refused_with_401_and_the_publishable_key_cannot_use_the_server_API()
    {
        var wrong = await Assert.ThrowsAsync<StripeException>(() => Emulated.Client(server, apiKey: "sk_test_not_the_key").V1.Customers.ListAsync());
        Assert.That(wrong!.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrong.StripeError.Type, Is.EqualTo("invalid_request_error"));
        Assert.That(wrong.StripeError.Message, Does.StartWith("Invalid API Key provided"));

        var publishable = await Assert.ThrowsAsync<StripeException>(() => Emulated.Client(server, apiKey: server.PublishableKey).V1.Customers.ListAsync());
        Assert.That(publishable!.HttpStatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(publishable.StripeError.Code, Is.EqualTo("secret_key_required"));

        using var browser = Emulated.Browser(server);
        var none = await browser.GetAsync("/v1/customers");
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await none.Content.ReadAsStringAsync(), Does.Contain("You did not provide an API key"));

        // curl's -u sk_test_...: sends the key as Basic auth's user name.
        var basic = new HttpRequestMessage(HttpMethod.Get, "/v1/customers?limit=1");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(server.SecretKey + ":")));
        Assert.That((await browser.SendAsync(basic)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_bad_parameter_is_a_400_naming_it_and_an_unknown_URL_a_404()
    {
        var tooMany = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Customers.ListAsync(new CustomerListOptions { Limit = 101 }));
        Assert.That(tooMany!.HttpStatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(tooMany.StripeError.Param, Is.EqualTo("limit"));

        using var control = Emulated.Control(server);
        var unknown = await control.GetAsync("/v1/nothing_here");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Contain("Unrecognized request URL (GET: /v1/nothing_here)"));
    }
}
