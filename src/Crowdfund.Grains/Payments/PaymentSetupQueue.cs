using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Crowdfund.Messages.Payments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Payments;

/// <summary>
/// The silo's line of card setups waiting for the payment provider. A launch rush reserves in memory by the thousand a
/// second; the provider takes about a hundred requests a second for the whole account. So setups are not made in the
/// backer's request: they queue here, first come first served, and drain at this silo's share of the provider's rate
/// (the gateway paces every call). A backer sees their place and an estimate, and their reservation's hold covers the
/// wait.
/// </summary>
/// <remarks>
/// The line is in memory. A silo that dies loses its line, not the setups: each is a Queued row, and the backer's next
/// look at it (any silo) queues it again once its expected time has passed. Making a setup twice is harmless: every
/// provider call is idempotent on a key made of the pledge and the attempt.
/// </remarks>
public sealed partial class PaymentSetupQueue(
    IPaymentGateway gateway,
    IPaymentStore store,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<PaymentSetupOptions> options,
    ILogger<PaymentSetupQueue> logger) : BackgroundService
{
    /// <summary>A new backer costs two provider calls (customer, setup); a returning one, one.</summary>
    private const double CallsPerSetup = 2;

    private readonly PaymentSetupOptions settings = options.Value;
    // Unbounded as a channel, bounded by Enqueue: no more than MaxQueued setups are ever waiting in it.
    private readonly Channel<Job> line = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<(Guid, int), Job> waiting = new();
    private long joined;
    private long started;

    /// <summary>How long a setup joining the line now would wait, at this silo's share of the provider's rate.</summary>
    public TimeSpan ExpectedWait => Wait(waiting.Count + 1);

    /// <summary>
    /// Queues a setup unless it is queued here already; its place, or null when the line is full (the backer retries
    /// shortly, and the Queued row waits meanwhile).
    /// </summary>
    public QueuePlace? Enqueue(SetupTicket ticket)
    {
        var key = (ticket.PledgeId, ticket.Attempt);
        if (waiting.TryGetValue(key, out var known)) return PlaceOf(known);
        if (waiting.Count >= settings.MaxQueued) return null;
        var job = new Job(ticket, Interlocked.Increment(ref joined));
        if (!waiting.TryAdd(key, job)) return PlaceOf(waiting[key]);
        line.Writer.TryWrite(job);
        return PlaceOf(job);
    }

    /// <summary>The place of a setup in this silo's line, or null when it is not here.</summary>
    public QueuePlace? PlaceOf(Guid pledgeId, int attempt) =>
        waiting.TryGetValue((pledgeId, attempt), out var job) ? PlaceOf(job) : null;

    /// <summary>Waits until the setup has left the line and been made (or failed), for at most <paramref name="patience"/>.</summary>
    public async Task WaitAsync(Guid pledgeId, int attempt, TimeSpan patience)
    {
        if (!waiting.TryGetValue((pledgeId, attempt), out var job)) return;
        await Task.WhenAny(job.Done.Task, Task.Delay(patience, clock));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in line.Reader.ReadAllAsync(stoppingToken))
        {
            Interlocked.Exchange(ref started, Math.Max(Volatile.Read(ref started), job.Number));
            var again = await MakeAsync(job.Ticket, stoppingToken);
            if (again is { } delay)
            {
                // The provider is unavailable for now: the setup goes round again after a pause, keeping its row.
                _ = RequeueAsync(job, delay, stoppingToken);
                continue;
            }
            waiting.TryRemove(new KeyValuePair<(Guid, int), Job>((job.Ticket.PledgeId, job.Ticket.Attempt), job));
            job.Done.TrySetResult();
        }
    }

    /// <summary>Makes the setup at the provider and tells the pledge; the pause before trying again, when it must.</summary>
    private async Task<TimeSpan?> MakeAsync(SetupTicket ticket, CancellationToken cancellationToken)
    {
        var pledge = grains.GetGrain<IPledgeGrain>(ticket.PledgeId);
        try
        {
            var customer = await CustomerAsync(ticket.BackerEmail, replacing: null, cancellationToken);
            var metadata = new Dictionary<string, string>
            {
                [PaymentMetadata.PledgeId] = ticket.PledgeId.ToString(),
                [PaymentMetadata.CampaignId] = ticket.CampaignId,
                [PaymentMetadata.SetupAttempt] = ticket.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            SetupIntentInfo intent;
            try
            {
                intent = await CreateSetupAsync(ticket, customer, metadata, cancellationToken);
            }
            catch (PaymentGatewayException missing) when (missing.Code == "resource_missing")
            {
                // The stored customer is gone at the provider (deleted there, or made under other keys): the backer gets
                // a new one, once, and the setup is made for it.
                LogCustomerMissing(logger);
                await store.ForgetCustomerAsync(ticket.BackerEmail, customer);
                customer = await CustomerAsync(ticket.BackerEmail, replacing: customer, cancellationToken);
                intent = await CreateSetupAsync(ticket, customer, metadata, cancellationToken);
            }
            await pledge.SetupCreatedAsync(ticket.Attempt, intent.Id, intent.ClientSecret, customer);
            return null;
        }
        catch (PaymentGatewayUnavailableException)
        {
            LogProviderUnavailable(logger, ticket.Attempt);
            return settings.RetryDelay;
        }
        catch (PaymentGatewayException refused)
        {
            LogRefused(logger, refused.Code);
            await pledge.SetupRefusedAsync(ticket.Attempt, refused.Code, refused.Message);
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The pledge's grain or the database did not answer (a silo going down): the same setup goes round again.
            LogFailed(logger, exception);
            return settings.RetryDelay;
        }
    }

    // The key names the pledge, the attempt and the customer: asking again makes no second setup, and a setup for a
    // customer made afresh is a new one.
    private Task<SetupIntentInfo> CreateSetupAsync(SetupTicket ticket, string customer, Dictionary<string, string> metadata,
        CancellationToken cancellationToken) =>
        gateway.CreateSetupIntentAsync(customer, metadata, $"setup-{ticket.PledgeId:N}-{ticket.Attempt}-{customer}", cancellationToken);

    /// <summary>The backer's customer at the provider, made once per email whichever pledge asks first.</summary>
    private async Task<string> CustomerAsync(string email, string? replacing, CancellationToken cancellationToken)
    {
        if (await store.FindCustomerAsync(email) is { } known) return known;
        // The key depends on the email alone (and on the customer it replaces), so pledges of the same backer racing
        // here get one customer.
        var key = "customer-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))
            + (replacing is null ? "" : "-after-" + replacing);
        var made = await gateway.CreateCustomerAsync(email, key, cancellationToken);
        return await store.SaveCustomerAsync(email, made, clock.GetUtcNow());
    }

    private async Task RequeueAsync(Job job, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
            line.Writer.TryWrite(job);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the row stays Queued and is queued again by the backer's next look.
        }
    }

    private QueuePlace PlaceOf(Job job)
    {
        var place = (int)Math.Max(1, job.Number - Volatile.Read(ref started));
        return new QueuePlace(place, Wait(place));
    }

    private TimeSpan Wait(int place) =>
        TimeSpan.FromSeconds(place * CallsPerSetup / Math.Max(0.1, gateway.RequestsPerSecond));

    private sealed record Job(SetupTicket Ticket, long Number)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment provider is unavailable; setup attempt {Attempt} goes round again")]
    private static partial void LogProviderUnavailable(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The payment provider refused to create a setup ({Code})")]
    private static partial void LogRefused(ILogger logger, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stored customer is missing at the payment provider; a new one is made")]
    private static partial void LogCustomerMissing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Making a setup failed; it goes round again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>A setup's place in a silo's line (1 is next) and how long it is expected to wait.</summary>
public sealed record QueuePlace(int Place, TimeSpan ExpectedWait);

/// <summary>The setup queue ("Crowdfund:Payments").</summary>
public sealed class PaymentSetupOptions
{
    public const string Section = "Crowdfund:Payments";

    /// <summary>Setups in flight at once; the gateway's rate limiter paces them, so this only bounds the waiting calls.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Setups that may wait in one silo's line; past it, the backer is told to retry (503 busy).</summary>
    public int MaxQueued { get; set; } = 100_000;

    /// <summary>The pause before a setup goes round again after the provider was unavailable.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public string? Problem() =>
        Concurrency is < 1 or > 1000 ? $"{Section}:Concurrency must be between 1 and 1000."
        : MaxQueued < 1 ? $"{Section}:MaxQueued must be at least 1."
        : RetryDelay <= TimeSpan.Zero ? $"{Section}:RetryDelay must be positive."
        : null;
}
