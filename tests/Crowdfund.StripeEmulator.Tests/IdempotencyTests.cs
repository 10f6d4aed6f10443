using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class IdempotencyTests : EmulatorTests
{
    [Test]
    public async Task The_same_key_with_the_same_parameters_replays_the_stored_answer()
    {
        var email = Emulated.Email("idem");
        var key = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };

        var first = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email }, key);
        var second = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email }, key);

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(second.StripeResponse.Content, Is.EqualTo(first.StripeResponse.Content));
        Assert.That(second.StripeResponse.RequestId, Is.EqualTo(first.StripeResponse.RequestId));
        Assert.That(second.StripeResponse.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(first.StripeResponse.Headers.Contains("Idempotent-Replayed"), Is.False);
        Assert.That(first.StripeResponse.IdempotencyKey, Is.EqualTo(key.IdempotencyKey));
        Assert.That((await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email })).Data, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_declined_payment_is_replayed_as_the_same_402_without_a_second_charge()
    {
        var key = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };
        var options = new PaymentIntentCreateOptions { Amount = 2500, Currency = "eur", PaymentMethod = "pm_card_chargeDeclined", Confirm = true };

        var first = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(options, key));
        var second = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(options, key));

        Assert.That(second!.HttpStatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(second.StripeError.PaymentIntent.Id, Is.EqualTo(first!.StripeError.PaymentIntent.Id));
        Assert.That(server.Charges().Count(c => c.PaymentIntentId == first.StripeError.PaymentIntent.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task The_same_key_with_other_parameters_or_another_endpoint_is_an_idempotency_error()
    {
        var key = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };
        await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("first") }, key);

        var other = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("second") }, key));
        Assert.That(other!.HttpStatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(other.StripeError.Type, Is.EqualTo("idempotency_error"));
        Assert.That(other.StripeError.Message, Does.Contain(key.IdempotencyKey));

        var elsewhere = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions(), key));
        Assert.That(elsewhere!.StripeError.Type, Is.EqualTo("idempotency_error"));
    }

    [Test]
    public async Task Concurrent_requests_with_one_key_execute_once()
    {
        var email = Emulated.Email("race");
        var key = Guid.NewGuid().ToString();
        using var client = Emulated.Browser(server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.SecretKey);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/customers")
            {
                Content = new FormUrlEncodedContent([new("email", email)]),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Id: response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null);
        }));

        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.Conflict));
        Assert.That(answers.Where(a => a.Id is not null).Select(a => a.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That((await stripe.V1.Customers.ListAsync(new CustomerListOptions { Email = email })).Data, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_retry_racing_its_slow_original_gets_409_and_then_the_stored_answer()
    {
        // Slow answers wait on a frozen clock: whichever request claims the key first stays in flight until time moves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var slow = await Emulated.StartAsync(options => options.Faults = new FaultOptions { SlowRate = 1, SlowDelay = TimeSpan.FromSeconds(1) }, clock);
        var client = Emulated.Client(slow);
        var key = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };
        var options = new CustomerCreateOptions { Email = Emulated.Email("slow") };

        var original = client.V1.Customers.CreateAsync(options, key);
        var racing = client.V1.Customers.CreateAsync(options, key);
        var refused = await Task.WhenAny(original, racing);
        var conflict = (await Assert.ThrowsAsync<StripeException>(() => refused))!;
        var inFlight = refused == original ? racing : original;
        Assert.That(inFlight.IsCompleted, Is.False);
        while (!inFlight.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(inFlight, Task.Delay(20));
        }
        var created = await inFlight;

        Assert.That(conflict.HttpStatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(conflict.StripeError.Code, Is.EqualTo("idempotency_key_in_use"));
        Assert.That(conflict.StripeResponse.Headers.GetValues("Stripe-Should-Retry"), Is.EqualTo(new[] { "true" }));
        slow.Faults = new FaultOptions();
        var replayed = await client.V1.Customers.CreateAsync(options, key);
        Assert.That(replayed.Id, Is.EqualTo(created.Id));
        Assert.That(slow.Events().Count(e => e.Type == "customer.created"), Is.EqualTo(1));
    }
}
