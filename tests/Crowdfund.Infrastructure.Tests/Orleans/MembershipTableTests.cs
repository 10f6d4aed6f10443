using System.Net;
using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Testing;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Crowdfund.Infrastructure.Tests.Orleans;

public sealed class MembershipTableTests
{
    private PostgresMembershipTable table = null!;

    [SetUp]
    public async Task SetUp()
    {
        await Database.MigrateAsync();
        table = new PostgresMembershipTable(TestDatabase.DataSource,
            Options.Create(new ClusterOptions { ClusterId = TestSilo.NewClusterId("membership") }));
        await table.InitializeMembershipTable(true);
    }

    [Test]
    public async Task Insert_and_read_back_every_field()
    {
        var read = await table.ReadAll();
        var entry = Entry(1, SiloStatus.Joining);
        entry.SuspectTimes = [Tuple.Create(Silo(9), new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc))];

        Assert.That(await table.InsertRow(entry, read.Version.Next()), Is.True);

        var after = await table.ReadAll();
        Assert.That(after.Version.Version, Is.EqualTo(read.Version.Version + 1));
        var (stored, _) = after.Members.Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.SiloAddress, Is.EqualTo(entry.SiloAddress));
            Assert.That(stored.Status, Is.EqualTo(SiloStatus.Joining));
            Assert.That(stored.ProxyPort, Is.EqualTo(entry.ProxyPort));
            Assert.That(stored.SiloName, Is.EqualTo("silo-1"));
            Assert.That(stored.SuspectTimes!.Single().Item1, Is.EqualTo(Silo(9)));
            Assert.That(stored.SuspectTimes!.Single().Item2, Is.EqualTo(entry.SuspectTimes[0].Item2));
            Assert.That(stored.IAmAliveTime, Is.EqualTo(entry.IAmAliveTime).Within(TimeSpan.FromMilliseconds(1)));
        });
    }

    [Test]
    public async Task A_write_based_on_a_stale_table_version_fails()
    {
        var read = await table.ReadAll();
        Assert.That(await table.InsertRow(Entry(1, SiloStatus.Joining), read.Version.Next()), Is.True);

        // The second writer read the same version before the first wrote.
        Assert.That(await table.InsertRow(Entry(2, SiloStatus.Joining), read.Version.Next()), Is.False);
        Assert.That((await table.ReadAll()).Members, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_updates_from_the_same_read_let_exactly_one_through()
    {
        var read = await table.ReadAll();
        await table.InsertRow(Entry(1, SiloStatus.Joining), read.Version.Next());
        var current = await table.ReadAll();
        var (entry, etag) = current.Members.Single();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var copy = Entry(1, i % 2 == 0 ? SiloStatus.Active : SiloStatus.Dead);
            return table.UpdateRow(copy, etag, current.Version.Next());
        }));

        Assert.That(attempts.Count(ok => ok), Is.EqualTo(1));
        var after = await table.ReadAll();
        Assert.That(after.Version.Version, Is.EqualTo(current.Version.Version + 1));
        Assert.That(after.Members.Single().Item2, Is.Not.EqualTo(etag));
        Assert.That(entry.Status, Is.EqualTo(SiloStatus.Joining));
    }

    [Test]
    public async Task An_update_with_a_stale_row_etag_fails_even_on_the_current_version()
    {
        var read = await table.ReadAll();
        await table.InsertRow(Entry(1, SiloStatus.Joining), read.Version.Next());
        var first = await table.ReadAll();
        var staleEtag = first.Members.Single().Item2;
        Assert.That(await table.UpdateRow(Entry(1, SiloStatus.Active), staleEtag, first.Version.Next()), Is.True);

        var second = await table.ReadAll();
        Assert.That(await table.UpdateRow(Entry(1, SiloStatus.Dead), staleEtag, second.Version.Next()), Is.False);
        Assert.That((await table.ReadRow(Silo(1))).Members.Single().Item1.Status, Is.EqualTo(SiloStatus.Active));
    }

    [Test]
    public async Task I_am_alive_moves_neither_the_version_nor_the_etag()
    {
        var read = await table.ReadAll();
        await table.InsertRow(Entry(1, SiloStatus.Active), read.Version.Next());
        var before = await table.ReadAll();
        var entry = before.Members.Single().Item1;
        entry.IAmAliveTime = entry.IAmAliveTime.AddMinutes(1);

        await table.UpdateIAmAlive(entry);

        var after = await table.ReadAll();
        Assert.That(after.Version, Is.EqualTo(before.Version));
        Assert.That(after.Members.Single().Item2, Is.EqualTo(before.Members.Single().Item2));
        Assert.That(after.Members.Single().Item1.IAmAliveTime,
            Is.EqualTo(entry.IAmAliveTime).Within(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public async Task Cleanup_removes_only_old_rows_of_silos_that_are_not_active()
    {
        var old = DateTime.UtcNow.AddHours(-2);
        foreach (var (n, status, alive) in new[] { (1, SiloStatus.Dead, old), (2, SiloStatus.Active, old), (3, SiloStatus.Dead, DateTime.UtcNow) })
        {
            var entry = Entry(n, status);
            entry.IAmAliveTime = alive;
            Assert.That(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()), Is.True);
        }

        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddHours(-1));

        var left = (await table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).ToList();
        Assert.That(left, Is.EquivalentTo(new[] { Silo(2), Silo(3) }));
    }

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 20000 + n), 1000 + n);

    private static MembershipEntry Entry(int n, SiloStatus status) => new()
    {
        SiloAddress = Silo(n),
        Status = status,
        SiloName = $"silo-{n}",
        HostName = "localhost",
        ProxyPort = 30000 + n,
        RoleName = "crowdfund",
        StartTime = DateTime.UtcNow.AddMinutes(-5),
        IAmAliveTime = DateTime.UtcNow,
        SuspectTimes = [],
    };
}
