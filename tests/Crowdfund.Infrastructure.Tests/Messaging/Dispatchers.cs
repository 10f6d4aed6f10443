using Crowdfund.Testing;
using Crowdfund.Infrastructure.Messaging;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>Hosts made of the mail registration alone, as a silo has it: the database, the links, AddBackerMessages.</summary>
internal static class Dispatchers
{
    /// <summary>Quick turns, short waits and a short lease, so that the tests see outages and crashes through.</summary>
    public static readonly Dictionary<string, string?> Quick = new()
    {
        ["Crowdfund:Outbox:PollInterval"] = "00:00:00.02",
        ["Crowdfund:Outbox:BatchSize"] = "10",
        ["Crowdfund:Outbox:AttemptTimeout"] = "00:00:02",
        ["Crowdfund:Outbox:MaxRetries"] = "1",
        ["Crowdfund:Outbox:RetryDelay"] = "00:00:00.05",
        ["Crowdfund:Outbox:BreakDuration"] = "00:00:00.5",
        ["Crowdfund:Outbox:Backoff"] = "00:00:00.1",
        ["Crowdfund:Outbox:MaxBackoff"] = "00:00:00.5",
        ["Crowdfund:Outbox:Lease"] = "00:00:10",
    };

    public static Dictionary<string, string?> Smtp(MailServer server) => new(Quick)
    {
        ["Crowdfund:Mail:From"] = BackerRows.From,
        ["Crowdfund:Mail:Smtp:Host"] = "127.0.0.1",
        ["Crowdfund:Mail:Smtp:Port"] = server.Port.ToString(),
        ["Crowdfund:Mail:Smtp:Security"] = "None",
    };

    public static Dictionary<string, string?> Folder(string folder) => new(Quick)
    {
        ["Crowdfund:Mail:From"] = BackerRows.From,
        ["Crowdfund:Mail:Folder"] = folder,
    };

    public static async Task<IHost> BuildAsync(Dictionary<string, string?> settings, ILoggerProvider? logs = null) =>
        Build(await MessagingDatabase.ConnectionStringAsync(), settings, logs);

    public static IHost Build(string connectionString, Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null) logging.AddProvider(logs);
        });
        builder.Services.AddCrowdfundDatabase(connectionString);
        builder.Services.AddSingleton<IBackerLinks>(new TestLinks());
        builder.Services.AddBackerMessages();
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var host = await BuildAsync(settings, logs);
        await host.StartAsync();
        return host;
    }
}

/// <summary>The host's links, as the host makes them, on a public address of the tests.</summary>
internal sealed class TestLinks : IBackerLinks
{
    public Uri PledgePage(Guid pledgeId) => new($"https://pledge.crowdfund.test/pledges/{pledgeId}?token=t-{pledgeId:N}");
}

/// <summary>Every line any logger wrote, to check what reaches the logs.</summary>
internal sealed class RecordingLogs : ILoggerProvider
{
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get { lock (lines) return lines.ToList(); }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (logs.lines) logs.lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
