using System.Diagnostics;

namespace Crowdfund.Bench;

/// <summary>
/// The real host, started as a child process as './build.sh run' starts it, on its own ports, with the benchmark's
/// endpoints added (this program in 'host' mode).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;

    private HostProcess(Process process, string baseUrl) => (this.process, BaseUrl) = (process, baseUrl);

    public string BaseUrl { get; }

    public int Pid => process.Id;

    public static async Task<HostProcess> StartAsync(string root, string db, int port, string teamKey, string logFile,
        Crowdfund.StripeEmulator.StripeEmulatorServer stripe, string webhookSecret,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        EnsurePortFree(port);
        var dll = Path.Combine(AppContext.BaseDirectory, "Crowdfund.Bench.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "host", "--contentRoot", Path.Combine(root, "src/Crowdfund.Host")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var cluster = $"bench-{Guid.NewGuid():N}"[..20];
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Crowdfund"] = db,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Crowdfund__Silo__ClusterId"] = cluster,
            ["Crowdfund__Silo__ServiceId"] = cluster,
            ["Crowdfund__Silo__SiloPort"] = (port + 6000).ToString(),
            ["Crowdfund__Silo__GatewayPort"] = (port + 7000).ToString(),
            ["Crowdfund__TeamApiKey"] = teamKey,
            ["Crowdfund__TokenSecret"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Crowdfund__Stripe__ApiBase"] = stripe.BaseUrl,
            ["Crowdfund__Stripe__SecretKey"] = stripe.SecretKey,
            ["Crowdfund__Stripe__PublishableKey"] = stripe.PublishableKey,
            ["Crowdfund__Stripe__WebhookSecret"] = webhookSecret,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        foreach (var (key, value) in env) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited; see {logFile}");
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
        throw new TimeoutException($"the host did not become ready; see {logFile}");
    }

    /// <summary>
    /// Another host left on the port would answer the readiness probe and take the load in this run's place.
    /// </summary>
    private static void EnsurePortFree(int port)
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException($"port {port} is in use (another host or benchmark?); free it or pass --port");
        }
        probe.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
