using Crowdfund.StripeEmulator;

// The emulator as its own process: settings from appsettings.json (beside the dll, wherever it is started from) and
// StripeEmulator__* variables, address from --urls (or Urls in appsettings.json).
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(EmulatorOptions.Section).Get<EmulatorOptions>() ?? new EmulatorOptions();
var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Crowdfund.StripeEmulator");
await using var emulator = new Emulator(options, TimeProvider.System, app.Services.GetRequiredService<ILoggerFactory>());
EmulatorApp.Map(app, emulator, logger);
await app.StartAsync();
// Test-mode keys of an emulator guard nothing real; printing them lets a developer point a client at it.
Console.WriteLine($"Stripe emulator listening on {string.Join(", ", app.Urls)}");
Console.WriteLine($"  secret key:      {emulator.SecretKey}");
Console.WriteLine($"  publishable key: {emulator.PublishableKey}");
Console.WriteLine($"  API version:     {emulator.ApiVersion}");
foreach (var endpoint in emulator.Webhooks.Endpoints) Console.WriteLine($"  webhook:         {endpoint.Url} (secret {endpoint.Secret})");
await app.WaitForShutdownAsync();

/// <summary>Entry point of the standalone emulator; internal, so that it never meets the host's Program in a test that references both.</summary>
internal partial class Program;
