using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Crowdfund.Testing;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class StandaloneTests
{
    [Test]
    public async Task The_emulator_runs_as_its_own_process_configured_from_the_environment()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = FreePort();
        // The emulator's own build output, in the configuration these tests were built in.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var dll = Path.Combine(root, "src", "Crowdfund.StripeEmulator", "bin", configuration, "net10.0", "Crowdfund.StripeEmulator.dll");
        Assert.That(System.IO.File.Exists(dll), Is.True, dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(argument);
        start.Environment["StripeEmulator__SecretKey"] = "sk_test_standalone";
        start.Environment["StripeEmulator__PublishableKey"] = "pk_test_standalone";
        start.Environment["StripeEmulator__WebhookUrl"] = receiver.Url;
        start.Environment["StripeEmulator__WebhookSecret"] = "whsec_standalone";
        start.Environment["StripeEmulator__RequestsPerSecond"] = "50";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseUrl = $"http://127.0.0.1:{port}";
            using var probe = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await Emulated.UntilAsync(() => Answers(probe), "the emulator answers");
            var stripe = new StripeClient("sk_test_standalone", httpClient: new SystemNetHttpClient(maxNetworkRetries: 0), apiBase: baseUrl);

            var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("standalone") });

            await Emulated.UntilAsync(() => receiver.Received.Count > 0, "the webhook of customer.created");
            var (body, signature) = receiver.Received[0];
            var parsed = EventUtility.ConstructEvent(body, signature, "whsec_standalone");
            Assert.That(((Customer)parsed.Data.Object).Id, Is.EqualTo(customer.Id));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> Answers(HttpClient probe)
    {
        try
        {
            return (await probe.GetAsync("/")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
