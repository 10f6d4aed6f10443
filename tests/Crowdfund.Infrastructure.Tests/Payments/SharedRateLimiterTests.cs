using System.Threading.RateLimiting;
using Crowdfund.Infrastructure.Payments;
using Microsoft.Extensions.Time.Testing;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The limiter alone, on a clock the test moves.</summary>
public sealed class SharedRateLimiterTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Test]
    public async Task Waiters_are_served_oldest_first_at_the_rate_and_a_newcomer_never_overtakes_them()
    {
        using var limiter = new SharedRateLimiter(requestsPerSecond: 2, queueLimit: 10, clock);
        using var first = await limiter.AcquireAsync();
        Assert.That(first.IsAcquired, Is.True, "the bucket starts with one permit");

        var waiting = Enumerable.Range(0, 3).Select(_ => limiter.AcquireAsync().AsTask()).ToList();
        Assert.That(waiting.Select(w => w.IsCompleted), Is.All.False);

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(waiting.Select(w => w.IsCompleted), Is.EqualTo(new[] { true, false, false }));
        Assert.That(limiter.AttemptAcquire().IsAcquired, Is.False, "others wait ahead");

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(waiting.Select(w => w.IsCompleted), Is.EqualTo(new[] { true, true, false }));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That((await Task.WhenAll(waiting)).Select(l => l.IsAcquired), Is.All.True);
    }

    [Test]
    public async Task Past_the_queue_limit_a_request_is_refused_at_once_with_an_estimate_of_the_wait()
    {
        using var limiter = new SharedRateLimiter(requestsPerSecond: 2, queueLimit: 2, clock);
        await limiter.AcquireAsync();
        var queued = new[] { limiter.AcquireAsync().AsTask(), limiter.AcquireAsync().AsTask() };

        using var refused = await limiter.AcquireAsync();

        Assert.That(refused.IsAcquired, Is.False);
        Assert.That(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(1.5)), "three permits ahead at two a second");
        Assert.That(queued.Select(q => q.IsCompleted), Is.All.False);
        Assert.That(limiter.GetStatistics()!.CurrentQueuedCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_new_share_applies_to_those_already_waiting_and_a_cancelled_waiter_leaves_its_place()
    {
        using var limiter = new SharedRateLimiter(requestsPerSecond: 1, queueLimit: 10, clock);
        await limiter.AcquireAsync();
        using var cancel = new CancellationTokenSource();
        var leaving = limiter.AcquireAsync(1, cancel.Token).AsTask();
        var next = limiter.AcquireAsync().AsTask();
        var last = limiter.AcquireAsync().AsTask();

        await cancel.CancelAsync();
        Assert.That(leaving.IsCanceled, Is.True);
        limiter.SetRate(4);
        Assert.That(limiter.RequestsPerSecond, Is.EqualTo(4));

        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(next.IsCompleted, Is.True, "at the new rate, a quarter of a second");
        Assert.That(last.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(last.IsCompleted, Is.True);
        Assert.That(limiter.GetStatistics()!.CurrentQueuedCount, Is.Zero);
    }
}
