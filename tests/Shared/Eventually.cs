namespace Crowdfund.Testing;

/// <summary>
/// Waiting in tests, always bounded: retries for tests that kill a silo (calls to grains that lived there fail until
/// the cluster declares it dead), and polling for a state another process or thread reaches.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The call's answer, retried (10 s per attempt) until it succeeds or the patience runs out.</summary>
    public static async Task<T> Answer<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                return await call().WaitAsync(timeout.Token);
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Polls the condition until it holds; throws, failing the test, once the patience runs out.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s in vain: {what}.");
            await Task.Delay(50);
        }
    }
}
