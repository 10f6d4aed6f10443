using System.Diagnostics;
using System.Text.Json;

namespace Crowdfund.Bench;

/// <summary>What one wrk run measured; latencies in milliseconds.</summary>
internal sealed record WrkResult(long Requests, double Seconds, double P50, double P95, double P99, long Created,
    long Ok, long Refused, long Other, long SocketErrors)
{
    public double PerSecond => Requests / Seconds;
}

/// <summary>Runs wrk (the Debian package) with the project's Lua script and reads the line its done() prints.</summary>
internal static class Wrk
{
    public static async Task<WrkResult> RunAsync(string script, string url, int clients, TimeSpan duration, string mode,
        string prefix, string bodyFile = "-", string token = "-")
    {
        // Two threads: one per core; more would only fight the host for the same two cores.
        var start = new ProcessStartInfo("wrk",
        [
            "-t", Math.Min(2, clients).ToString(), "-c", clients.ToString(), "-d", $"{(int)duration.TotalSeconds}s",
            "--latency", "--timeout", "10s", "-s", script, url, "--", mode, prefix, bodyFile, token,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("WRK-RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result:\n{output}\n{error}");
        var json = JsonDocument.Parse(line["WRK-RESULT ".Length..]).RootElement;
        long Get(string name) => json.GetProperty(name).GetInt64();
        return new WrkResult(Get("requests"), Get("duration_us") / 1e6, Get("p50_us") / 1e3, Get("p95_us") / 1e3,
            Get("p99_us") / 1e3, Get("created"), Get("ok"), Get("refused"), Get("other"), Get("socket_errors"));
    }
}
