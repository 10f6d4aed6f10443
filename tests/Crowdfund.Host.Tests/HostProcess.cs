using System.Diagnostics;
using Crowdfund.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>The real host as a child process, so that a test can kill it the hard way (SIGKILL).</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;

    private HostProcess(Process process, string baseUrl) => (this.process, BaseUrl) = (process, baseUrl);

    public string BaseUrl { get; }

    public static async Task<HostProcess> StartAsync(string clusterId, string teamKey)
    {
        // The tests run from tests/<project>/bin/<config>/net10.0; the host was built beside them.
        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var config = bin.Parent!.Name;
        var root = bin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Crowdfund.Host", "bin", config, "net10.0", "Crowdfund.Host.dll");
        var port = TestSilo.FreePort();
        var start = new ProcessStartInfo("dotnet", [dll, "--contentRoot", Path.Combine(root, "src", "Crowdfund.Host")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Crowdfund"] = TestDatabase.ConnectionString,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Crowdfund__Silo__ClusterId"] = clusterId,
                ["Crowdfund__Silo__ServiceId"] = clusterId,
                ["Crowdfund__Silo__SiloPort"] = TestSilo.FreePort().ToString(),
                ["Crowdfund__Silo__GatewayPort"] = TestSilo.FreePort().ToString(),
                ["Crowdfund__TeamApiKey"] = teamKey,
                ["Crowdfund__TokenSecret"] = "a-token-secret-for-tests-only-0123456789",
                ["Crowdfund__ManualConfirmation"] = "true",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the host");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, $"http://127.0.0.1:{port}");
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
        throw new InvalidOperationException("the host process did not become ready");
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
