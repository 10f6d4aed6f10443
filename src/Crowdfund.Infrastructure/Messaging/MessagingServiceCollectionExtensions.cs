using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Infrastructure.Messaging.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Messaging;

public static partial class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the mail to backers: <see cref="MailOptions"/> ("Crowdfund:Mail", checked at start), the SMTP sender
    /// when <c>Crowdfund:Mail:Smtp:Host</c> is set or else the folder sender, the <c>backer.message</c> handler, and
    /// the outbox dispatcher. The host registers an <see cref="IBackerLinks"/>; call after
    /// <c>AddCrowdfundDatabase</c>.
    /// </summary>
    public static IServiceCollection AddBackerMessages(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MailOptions>>(
            new ProblemValidator<MailOptions>(o => o.Problem())));
        services.TryAddSingleton<BackerFactsReader>();
        services.TryAddSingleton(provider =>
        {
            var mail = provider.GetRequiredService<IOptions<MailOptions>>().Value;
            IMailSender sender = mail.UsesSmtp
                ? new SmtpMailSender(mail.Smtp, provider.GetRequiredService<TimeProvider>())
                : new FolderMailSender(mail.FolderPath);
            LogMailGoes(provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IMailSender).FullName!), sender.Destination);
            return sender;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, BackerMessageHandler>());
        return services.AddOutboxDispatcher();
    }

    /// <summary>
    /// Registers the outbox dispatcher once, with <see cref="OutboxOptions"/> ("Crowdfund:Outbox", checked at start).
    /// It delivers the topics of every <see cref="IOutboxHandler"/> registered.
    /// </summary>
    public static IServiceCollection AddOutboxDispatcher(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboxDispatcher))) return services;
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboxOptions>>(new ProblemValidator<OutboxOptions>(o => o.Problem()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxRows>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail to backers goes to {Destination}")]
    private static partial void LogMailGoes(ILogger logger, string destination);
}

/// <summary>Checks an options class with its own rule when the host starts, so that a bad setting stops it, named.</summary>
internal sealed class ProblemValidator<T>(Func<T, string?> problem) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        problem(options) is { } message ? ValidateOptionsResult.Fail(message) : ValidateOptionsResult.Success;
}
