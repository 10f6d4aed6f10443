using System.Diagnostics;
using Crowdfund.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>The real host as a child process, so that a test can kill it the hard way (SIGKILL).</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;

    private readonly System.Text.StringBuilder output;

    private HostProcess(Process process, string baseUrl, System.Text.StringBuilder output) =>
        (this.process, BaseUrl, this.output) = (process, baseUrl, output);

    public string BaseUrl { get; }

    /// <summary>What the host wrote so far (warnings and errors only).</summary>
    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    public static Task<HostProcess> StartAsync(string clusterId, string teamKey) =>
        StartAsync(ApiHost.Settings(clusterId), teamKey);

    /// <summary>
    /// Starts the host with these settings (configuration keys, given to the child as environment variables) and
    /// waits until it is ready; <paramref name="teamKey"/> replaces the test key.
    /// </summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string? teamKey = null,
        string? advertisedIp = null)
    {
        var (process, baseUrl, output) = Launch(settings, teamKey, advertisedIp);
        var host = new HostProcess(process, baseUrl, output);
        using var http = new HttpClient();
        for (var i = 0; i < 240 && !process.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync(host.BaseUrl + "/health/ready")).IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        host.Dispose();
        throw new InvalidOperationException($"the host process did not become ready:\n{output}");
    }

    /// <summary>Starts the host and waits for it to exit, for settings that must stop it; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> settings)
    {
        var (process, _, output) = Launch(settings, null, null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        // Let the output readers drain what the process wrote last.
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    private static (Process Process, string BaseUrl, System.Text.StringBuilder Output) Launch(
        IReadOnlyDictionary<string, string> settings, string? teamKey, string? advertisedIp)
    {
        // The tests run from tests/<project>/bin/<config>/net10.0; the host was built beside them.
        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var config = bin.Parent!.Name;
        var root = bin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Crowdfund.Host", "bin", config, "net10.0", "Crowdfund.Host.dll");
        var port = TestSilo.FreePort();
        var listen = advertisedIp ?? "127.0.0.1";
        var start = new ProcessStartInfo("dotnet", [dll, "--contentRoot", Path.Combine(root, "src", "Crowdfund.Host")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://{listen}:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (teamKey is not null) start.Environment["Crowdfund__TeamApiKey"] = teamKey;
        if (advertisedIp is not null) start.Environment["Crowdfund__Silo__AdvertisedIP"] = advertisedIp;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, $"http://{listen}:{port}", output);
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster, in-flight requests cut.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
