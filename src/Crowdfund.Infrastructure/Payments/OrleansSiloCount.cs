using Microsoft.Extensions.Logging;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// The silos of this Orleans cluster that may be calling the provider, as this silo's membership view sees them:
/// active ones, and those still shutting down (they finish their calls). A killed silo counts until the cluster
/// declares it dead, a joining one from the moment it is active: until then the others keep the smaller share, never
/// more than the account allows. Needs a silo's <see cref="IClusterMembershipService"/> and
/// <see cref="ILocalSiloDetails"/>.
/// </summary>
public sealed partial class OrleansSiloCount : ISiloCount, IDisposable
{
    private readonly IClusterMembershipService membership;
    private readonly SiloAddress self;
    private readonly ILogger<OrleansSiloCount> logger;
    private readonly CancellationTokenSource stopping = new();
    private int current;

    public OrleansSiloCount(IClusterMembershipService membership, ILocalSiloDetails local, ILogger<OrleansSiloCount> logger)
    {
        this.membership = membership;
        self = local.SiloAddress;
        this.logger = logger;
        current = Count(membership.CurrentSnapshot);
        // The updates start with the current snapshot, whenever they are read, and end when the silo stops.
        _ = Task.Run(WatchAsync);
    }

    public int Current => Volatile.Read(ref current);

    public event Action? Changed;

    public void Dispose()
    {
        if (stopping.IsCancellationRequested) return;
        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping.Token))
            {
                var count = Count(snapshot);
                if (Interlocked.Exchange(ref current, count) == count) continue;
                LogCount(count);
                try
                {
                    Changed?.Invoke();
                }
                catch (Exception failed)
                {
                    LogHandlerFailed(failed);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
        catch (Exception failed)
        {
            LogWatchFailed(failed, Current);
        }
    }

    private int Count(ClusterMembershipSnapshot snapshot)
    {
        var calling = snapshot.Members.Values.Count(m => IsCalling(m.Status));
        // This silo counts itself while it joins, before the others see it: a smaller share for a moment.
        return IsCalling(snapshot.GetSiloStatus(self)) ? Math.Max(1, calling) : calling + 1;
    }

    private static bool IsCalling(SiloStatus status) => status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping;

    [LoggerMessage(Level = LogLevel.Information, Message = "The payment provider's rate limit is now shared by {Silos} silos")]
    private partial void LogCount(int silos);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of the silo count failed")]
    private partial void LogHandlerFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped following the membership; the payment provider's rate limit stays shared by {Silos} silos")]
    private partial void LogWatchFailed(Exception exception, int silos);
}
