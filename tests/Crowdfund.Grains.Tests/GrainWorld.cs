using System.Security.Cryptography;
using System.Text;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crowdfund.Grains.Tests;

/// <summary>
/// A silo with the real grains on the real database, and a fake domain clock the tests move. Each test makes its
/// own campaign, so tests share the silo without sharing state.
/// </summary>
public sealed class GrainWorld : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; }
    public TestSilo Silo { get; private set; }
    public string ClusterId { get; }

    private GrainWorld(string clusterId, FakeTimeProvider clock, TestSilo silo) =>
        (ClusterId, Clock, Silo) = (clusterId, clock, silo);

    public IGrainFactory Grains => Silo.Grains;

    public static async Task<GrainWorld> StartAsync(string? clusterId = null, FakeTimeProvider? clock = null)
    {
        clusterId ??= TestSilo.NewClusterId("grains");
        clock ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        return new GrainWorld(clusterId, clock, await StartSiloAsync(clusterId, clock));
    }

    /// <summary>Kills the silo and starts a fresh one on the same cluster: every grain rebuilds from the database.</summary>
    public async Task RestartAsync()
    {
        await Silo.KillAsync();
        Silo = await StartSiloAsync(ClusterId, Clock);
    }

    private static async Task<TestSilo> StartSiloAsync(string clusterId, FakeTimeProvider clock)
    {
        var emulator = await TestPayments.EmulatorAsync();
        return await TestSilo.StartAsync(clusterId, services =>
        {
            services.AddCrowdfundStores().AddCrowdfundGrains().AddTestPayments(emulator);
            services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, clock);
            services.Configure<CrowdfundGrainOptions>(o =>
            {
                o.TickPeriod = TimeSpan.FromSeconds(1);
                o.SnapshotDelay = TimeSpan.FromMilliseconds(10);
                // Tests expire holds by calling ExpireDueAsync after moving the clock, not by waiting.
                o.ExpiryScanPeriod = TimeSpan.FromHours(1);
            });
        });
    }

    public ICampaignGrain Campaign(string slug) => Grains.GetGrain<ICampaignGrain>(slug);

    public IRewardTierGrain Tier(string slug, string tierId) => Grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, tierId));

    public static string NewSlug(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>A live campaign open in the five countries, with the given tiers.</summary>
    public async Task<string> LaunchAsync(string prefix, int goalUnits, params TierDefinition[] tiers)
    {
        var slug = NewSlug(prefix);
        var campaign = Campaign(slug);
        var created = await campaign.CreateAsync(Definition(slug, goalUnits, Clock.GetUtcNow().AddDays(30)));
        Assert.That(created.Refusal, Is.EqualTo(Refusal.None), string.Join("; ", created.Problems));
        foreach (var tier in tiers) Assert.That((await campaign.PutTierAsync(tier)).Refusal, Is.EqualTo(Refusal.None));
        var launched = await campaign.LaunchAsync();
        Assert.That(launched.Refusal, Is.EqualTo(Refusal.None), string.Join("; ", launched.Problems));
        return slug;
    }

    public static CampaignDefinition Definition(string slug, int goalUnits, DateTimeOffset deadline) => new(
        slug, "Test campaign", "Retro phone", goalUnits, deadline,
        [
            new CountrySettings("FR", "EUR", 2000, true),
            new CountrySettings("DE", "EUR", 1900, true),
            new CountrySettings("ES", "EUR", 2100, true),
            new CountrySettings("US", "USD", 0, false),
            new CountrySettings("CA", "CAD", 1300, false),
        ],
        CampaignDefinition.DefaultMilestones);

    public static TierDefinition Tier(string id, int? limit = null, int unitsPerReward = 1, int? maxPerBacker = null,
        string[]? shipsTo = null)
    {
        shipsTo ??= ["FR", "DE", "ES", "US", "CA"];
        return new TierDefinition(id, $"Tier {id}", "", new Dictionary<string, long> { ["EUR"] = 7900, ["USD"] = 8900, ["CAD"] = 11900 },
            unitsPerReward, limit, maxPerBacker, shipsTo, shipsTo.ToDictionary(c => c, _ => 900L), "2027-09", false);
    }

    public static ReserveRequest Request(string country = "FR", int quantity = 1, string? key = null, string body = "")
    {
        var id = Guid.CreateVersion7();
        key ??= id.ToString();
        return new ReserveRequest(id, country, quantity, "Ada Lovelace", "ada@example.com",
            new ShippingAddress("1 rue de la Paix", null, "Paris", null, "75002"),
            SHA256.HashData(Encoding.UTF8.GetBytes("token-" + id)), key,
            SHA256.HashData(Encoding.UTF8.GetBytes(key + body)), BackerLocales.Resolve(null, country)!);
    }

    public static byte[] TokenHashOf(ReserveRequest request) => request.TokenHash;

    /// <summary>The token hash <see cref="Request"/> gave the pledge with this id.</summary>
    public static byte[] TokenHashOf(Guid pledgeId) => SHA256.HashData(Encoding.UTF8.GetBytes("token-" + pledgeId));

    /// <summary>
    /// Confirms a reservation the way the payment layer does: a card setup asked for, made at the provider, and saved
    /// (its success event applied, as the webhook applies it after verifying it). The pledge as it then is.
    /// </summary>
    public async Task<PledgeResult> ConfirmAsync(Guid pledgeId)
    {
        var pledge = Grains.GetGrain<IPledgeGrain>(pledgeId);
        var token = TokenHashOf(pledgeId);
        var setup = await pledge.RequestPaymentSetupAsync(token, TimeSpan.Zero);
        if (setup.Setup is not { } asked) return PledgeResult.Refused(setup.Refusal);
        var intent = $"seti_{pledgeId:N}_{asked.Attempt}";
        await pledge.SetupCreatedAsync(asked.Attempt, intent, intent + "_secret", "cus_" + pledgeId.ToString("N"));
        await pledge.ApplyPaymentEventAsync(new PaymentEvent($"evt_{intent}", PaymentEvent.SetupSucceeded, Clock.GetUtcNow(),
            intent, pledgeId, asked.Attempt, "cus_" + pledgeId.ToString("N"), "pm_" + pledgeId.ToString("N"), "succeeded",
            null, null, null));
        return await pledge.GetAsync(token);
    }

    /// <summary>The backer cancels, with the token <see cref="Request"/> gave the pledge.</summary>
    public Task<PledgeResult> CancelAsync(Guid pledgeId) =>
        Grains.GetGrain<IPledgeGrain>(pledgeId).CancelAsync(TokenHashOf(pledgeId));

    /// <summary>What the pledge rows say, the truth every counter must equal.</summary>
    public static async Task<RowTotals> RowsAsync(string slug, string? tierId = null)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<RowTotals>("""
            SELECT coalesce(sum(quantity) FILTER (WHERE status IN ('Reserved', 'Confirmed')), 0)::int AS Held,
                   coalesce(sum(units) FILTER (WHERE status = 'Confirmed'), 0)::int AS ConfirmedUnits,
                   coalesce(sum(units) FILTER (WHERE status = 'Reserved'), 0)::int AS ReservedUnits,
                   count(*) FILTER (WHERE status = 'Confirmed')::int AS ConfirmedPledges,
                   count(*)::int AS Rows
              FROM pledges WHERE campaign_id = @slug AND (@tierId::text IS NULL OR tier_id = @tierId)
            """, new { slug, tierId });
    }

    public async ValueTask DisposeAsync() => await Silo.DisposeAsync();
}

public sealed record RowTotals(int Held, int ConfirmedUnits, int ReservedUnits, int ConfirmedPledges, int Rows);
