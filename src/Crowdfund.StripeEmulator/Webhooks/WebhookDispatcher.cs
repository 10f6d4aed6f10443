using System.Text;
using Crowdfund.StripeEmulator.Resources;

namespace Crowdfund.StripeEmulator.Webhooks;

/// <summary>
/// Delivers events to the webhook endpoints in the background, at least once each: per endpoint, one worker sends
/// first attempts in creation order; a failed attempt (no answer, or not 2xx) is retried later with a doubling delay,
/// so a retry may arrive after newer events, and a receiver may see an event twice, as with Stripe.
/// </summary>
internal sealed partial class WebhookDispatcher : IAsyncDisposable
{
    private readonly EmulatorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<WebhookDelivery> deliveries = [];
    private readonly List<Task> loops = [];
    private List<Worker> workers = [];

    public WebhookDispatcher(EmulatorOptions options, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    }

    public IReadOnlyList<WebhookEndpointOptions> Endpoints
    {
        get { lock (gate) return workers.Select(w => w.Endpoint).ToList(); }
    }

    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get { lock (gate) return deliveries.ToList(); }
    }

    /// <summary>Replaces the endpoints. Events already queued for a removed endpoint are dropped; new endpoints get new events only.</summary>
    public void SetEndpoints(IEnumerable<WebhookEndpointOptions> endpoints)
    {
        var fresh = endpoints.Select(endpoint => new Worker(this, Copy(endpoint))).ToList();
        lock (gate)
        {
            foreach (var worker in workers) worker.Stop();
            workers = fresh;
            foreach (var worker in fresh) loops.Add(worker.Start());
        }
    }

    public int EndpointsFor(string eventType)
    {
        lock (gate) return workers.Count(worker => worker.Wants(eventType));
    }

    /// <summary>Queues the event's first attempt at every endpoint that wants it. Called in creation order, under the store's lock.</summary>
    public void Publish(EventRecord record)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var worker in workers.Where(w => w.Wants(record.Type))) worker.Enqueue(new Job(record, 1), now);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            deliveries.Clear();
            foreach (var worker in workers) worker.Drop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        Task[] running;
        lock (gate) running = loops.ToArray();
        await Task.WhenAll(running);
        http.Dispose();
        stopping.Dispose();
    }

    private static WebhookEndpointOptions Copy(WebhookEndpointOptions endpoint)
    {
        if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{EmulatorOptions.Section}: webhook URL '{endpoint.Url}' is not an absolute http(s) URL.");
        }
        return new WebhookEndpointOptions
        {
            Url = endpoint.Url,
            Secret = string.IsNullOrWhiteSpace(endpoint.Secret) ? Emulator.NewWebhookSecret() : endpoint.Secret,
            EnabledEvents = endpoint.EnabledEvents.Count == 0 ? ["*"] : [.. endpoint.EnabledEvents],
        };
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var delay = options.WebhookRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        return delay < options.WebhookMaxRetryDelay ? delay : options.WebhookMaxRetryDelay;
    }

    private async Task DeliverAsync(Worker worker, Job job, CancellationToken stop)
    {
        var attemptedAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, worker.Endpoint.Url)
        {
            Content = new StringContent(job.Event.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", WebhookSigner.Header(job.Event.Json, worker.Endpoint.Secret, attemptedAt.ToUnixTimeSeconds()));
        int? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(options.WebhookTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            error = $"no answer within {options.WebhookTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException exception)
        {
            error = exception.HttpRequestError.ToString();
        }
        catch (Exception exception) when (!stop.IsCancellationRequested)
        {
            error = exception.GetType().Name;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Stopping (the emulator, or this endpoint) with the attempt in flight: not recorded, and not an error of
            // the loop, which would otherwise fail DisposeAsync.
        }
        if (stop.IsCancellationRequested) return;

        var succeeded = status is >= 200 and < 300;
        lock (gate)
        {
            deliveries.Add(new WebhookDelivery(job.Event.Id, job.Event.Type, worker.Endpoint.Url, job.Attempt, attemptedAt, status, error, succeeded));
        }
        if (succeeded) return;
        var retry = job.Attempt < options.WebhookMaxAttempts;
        LogFailed(job.Event.Id, job.Event.Type, job.Attempt, status, error, retry);
        if (retry) worker.Enqueue(job with { Attempt = job.Attempt + 1 }, time.GetUtcNow() + RetryDelay(job.Attempt));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery of {EventId} ({EventType}) attempt {Attempt} failed: status {Status}, error {Error}; retried later: {WillRetry}")]
    private partial void LogFailed(string eventId, string eventType, int attempt, int? status, string? error, bool willRetry);

    private sealed record Job(EventRecord Event, int Attempt);

    /// <summary>One endpoint's queue, ordered by due time then by arrival, and the loop that drains it.</summary>
    private sealed class Worker(WebhookDispatcher owner, WebhookEndpointOptions endpoint)
    {
        private readonly PriorityQueue<Job, (DateTimeOffset Due, long Order)> queue = new();
        private readonly SemaphoreSlim signal = new(0);
        private readonly CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(owner.stopping.Token);
        private long order;

        public WebhookEndpointOptions Endpoint { get; } = endpoint;

        public bool Wants(string eventType) => Endpoint.EnabledEvents.Any(filter => Events.Matches(filter, eventType));

        public void Enqueue(Job job, DateTimeOffset due)
        {
            lock (queue) queue.Enqueue(job, (due, ++order));
            signal.Release();
        }

        public void Drop()
        {
            lock (queue) queue.Clear();
        }

        public void Stop() => stop.Cancel();

        public Task Start() => Task.Run(RunAsync);

        private async Task RunAsync()
        {
            var token = stop.Token;
            while (!token.IsCancellationRequested)
            {
                Job? next = null;
                var wait = Timeout.InfiniteTimeSpan;
                lock (queue)
                {
                    if (queue.TryPeek(out var job, out var priority))
                    {
                        var until = priority.Due - owner.time.GetUtcNow();
                        if (until <= TimeSpan.Zero) next = queue.Dequeue();
                        else wait = until;
                    }
                }
                if (next is not null)
                {
                    await owner.DeliverAsync(this, next, token);
                    continue;
                }
                using var timer = wait == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(wait, owner.time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
                try
                {
                    await signal.WaitAsync(either.Token);
                }
                catch (OperationCanceledException)
                {
                    // The due time came, or the dispatcher stops: the loop's condition tells which.
                }
            }
        }
    }
}
