using System.Threading.RateLimiting;
using Crowdfund.Grains.Payments;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Stripe;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// The payment port on Stripe.net. Every call goes through <see cref="StripePipeline"/> (retry, circuit breaker, this
/// silo's share of the account's rate, a timeout per attempt), every write with the caller's idempotency key on every
/// attempt; reads (list pages, a card looked up) need none. Stripe.net's own retries are off, so that the pipeline alone
/// decides what is retried and when.
/// </summary>
public sealed partial class StripeGateway : IPaymentGateway, IDisposable
{
    /// <summary>The metadata key under which a customer keeps the idempotency key that created it, to find duplicates after the key expired at Stripe (24 hours).</summary>
    public const string IdempotencyKeyMetadata = "crowdfund_idempotency_key";

    /// <summary>The name of the HttpClient the gateway talks to Stripe with.</summary>
    public const string HttpClientName = "Crowdfund.Stripe";

    // Stripe's limit on an idempotency key.
    private const int MaxKeyLength = 255;

    private readonly double accountRate;
    private readonly ISiloCount silos;
    private readonly Lock shareGate = new();
    private readonly SharedRateLimiter limiter;
    private readonly ResiliencePipeline pipeline;
    private readonly StripeClient stripe;

    /// <param name="http">
    /// The named client <see cref="HttpClientName"/> from IHttpClientFactory, configured by
    /// <see cref="PaymentsServiceCollectionExtensions.AddStripeHttpClient"/>; the factory owns its handler.
    /// </param>
    public StripeGateway(StripeOptions options, HttpClient http, ISiloCount silos, ILogger<StripeGateway> logger, TimeProvider time)
    {
        PublishableKey = options.PublishableKey;
        accountRate = options.RequestsPerSecond;
        this.silos = silos;
        limiter = new SharedRateLimiter(Share(), options.QueueLimit, time);
        silos.Changed += UpdateShare;
        // Read again after subscribing: a change between the first read and the subscription is not lost.
        UpdateShare();
        pipeline = StripePipeline.Build(options, limiter, time, logger);
        stripe = new StripeClient(options.SecretKey,
            httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 0, enableTelemetry: false),
            apiBase: string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'));
    }

    public string PublishableKey { get; }

    public double RequestsPerSecond => limiter.RequestsPerSecond;

    /// <summary>What the limiter granted and refused so far: every attempt that reached Stripe took one lease.</summary>
    internal RateLimiterStatistics LimiterStatistics => limiter.GetStatistics();

    public async Task<string> CreateCustomerAsync(string email, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        CheckKey(idempotencyKey);
        var create = new CustomerCreateOptions
        {
            Email = email,
            Metadata = new Dictionary<string, string> { [IdempotencyKeyMetadata] = idempotencyKey },
        };
        var customer = await CallAsync("create customer", idempotencyKey,
            (client, request, token) => client.V1.Customers.CreateAsync(create, request, token), cancellationToken);
        return customer.Id;
    }

    public async Task<SetupIntentInfo> CreateSetupIntentAsync(string customerId, IReadOnlyDictionary<string, string> metadata,
        string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        ArgumentNullException.ThrowIfNull(metadata);
        CheckKey(idempotencyKey);
        var create = new SetupIntentCreateOptions
        {
            Customer = customerId,
            Usage = "off_session",
            // Stripe.net 53's name for payment_method_types: cards only, nothing the backer's bank redirects to.
            AllowedPaymentMethodTypes = ["card"],
            Metadata = new Dictionary<string, string>(metadata),
        };
        var setup = await CallAsync("create setup intent", idempotencyKey,
            (client, request, token) => client.V1.SetupIntents.CreateAsync(create, request, token), cancellationToken);
        return new SetupIntentInfo(setup.Id, setup.ClientSecret, setup.Status);
    }

    public void Dispose()
    {
        silos.Changed -= UpdateShare;
        limiter.Dispose();
    }

    /// <summary>A write: every attempt carries the same idempotency key, so Stripe replays or refuses, never repeats.</summary>
    private Task<T> CallAsync<T>(string operation, string idempotencyKey,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, idempotencyKey, call, cancellationToken);

    /// <summary>
    /// A read (a GET, a list page): no idempotency key, since repeating it changes nothing, but the same pipeline, so
    /// that reads take their share of the account's rate and meet the same retries and circuit as writes.
    /// </summary>
    private Task<T> ReadAsync<T>(string operation, Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call,
        CancellationToken cancellationToken) =>
        RunAsync(operation, idempotencyKey: null, call, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, string? idempotencyKey,
        Func<StripeClient, RequestOptions, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StripePipeline.OperationKey, operation);
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(async attempt =>
            {
                Interlocked.Increment(ref attempts);
                // A new RequestOptions per attempt, always with the same key (none for a read).
                return await call(stripe, new RequestOptions { IdempotencyKey = idempotencyKey }, attempt.CancellationToken);
            }, context);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException open)
        {
            throw new PaymentGatewayUnavailableException($"Stripe {operation} was not tried: Stripe failed most recent calls and the circuit is open.", open);
        }
        catch (RateLimiterRejectedException full)
        {
            throw new PaymentGatewayUnavailableException($"Stripe {operation} was not tried: the queue for this silo's share of the rate limit is full.", full);
        }
        catch (Exception failure) when (StripeFailures.IsTransient(failure))
        {
            // Stripe's exception stays out: its message can quote what was sent. The description keeps what matters.
            throw new PaymentGatewayUnavailableException(
                $"Stripe {operation} failed {attempts} time(s), the last with {StripeFailures.Describe(failure)}.",
                failure is StripeException ? null : failure);
        }
        catch (StripeException refused)
        {
            throw new PaymentGatewayException($"Stripe refused {operation}: {StripeFailures.Describe(refused)}.", refused.StripeError?.Code);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void UpdateShare()
    {
        // Read and set under one lock, so that two changes racing cannot leave the older count in force.
        lock (shareGate) limiter.SetRate(Share());
    }

    private double Share() => accountRate / Math.Max(1, silos.Current);

    private static void CheckKey(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idempotencyKey.Length, MaxKeyLength, nameof(idempotencyKey));
    }
}
