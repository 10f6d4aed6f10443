using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Crowdfund.Testing;
using MimeKit;
using netDumbster.smtp;

namespace Crowdfund.Testing;

/// <summary>
/// A real SMTP server on loopback (netDumbster, in this process) behind a relay that a test can take down and bring
/// back on the same port. Down refuses new connections and cuts the open ones, as a mail server that dies does
/// (netDumbster alone goes on serving connections opened before its stop). netDumbster also serves one connection at
/// a time, so the relay gives each connection a netDumbster of its own, as a real server's sessions run side by side.
/// </summary>
public sealed partial class MailServer : IDisposable
{
    private readonly List<SimpleSmtpServer> servers = [];
    private readonly Stack<SimpleSmtpServer> idle = new();
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;

    private MailServer(int port) => Port = port;

    /// <summary>Where the dispatcher sends.</summary>
    public int Port { get; }

    public IReadOnlyList<MimeMessage> Received
    {
        get
        {
            List<SimpleSmtpServer> all;
            lock (servers) all = servers.ToList();
            return all.SelectMany(s => s.ReceivedEmail)
                .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Unstuffed(m.Data))))).ToList();
        }
    }

    public static MailServer Start()
    {
        var mail = new MailServer(TestSilo.FreePort());
        mail.Up();
        return mail;
    }

    public void Up()
    {
        var accepting = new TcpListener(IPAddress.Loopback, Port);
        accepting.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        accepting.Start();
        listener = accepting;
        _ = AcceptAsync(accepting);
    }

    /// <summary>Connections are refused, and the open ones cut, until <see cref="Up"/>.</summary>
    public void Down()
    {
        listener?.Stop();
        listener = null;
        lock (open)
        {
            foreach (var client in open) client.Dispose();
            open.Clear();
        }
    }

    /// <summary>How many times each of these Message-IDs was received.</summary>
    public Dictionary<string, int> CountsOf(IEnumerable<string> messageIds)
    {
        var counts = Received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        return messageIds.ToDictionary(id => id, id => counts.GetValueOrDefault(id));
    }

    /// <summary>Waits until each of these Message-IDs has arrived at least once.</summary>
    public Task ArrivedAsync(IEnumerable<string> messageIds, string what) =>
        Eventually.Until(() => Task.FromResult(CountsOf(messageIds).Values.All(c => c > 0)), what);

    public void Dispose()
    {
        Down();
        lock (servers) foreach (var server in servers) server.Dispose();
    }

    // netDumbster keeps SMTP's dot-stuffing (RFC 5321 4.5.2: a line starting with a dot is sent with one more, which
    // the server takes off): a quoted-printable line broken just before "1.234,56" would read "1..234,56".
    private static string Unstuffed(string data) => DotStuffed().Replace(data, ".");

    [GeneratedRegex(@"(?m)^\.\.")]
    private static partial Regex DotStuffed();

    private async Task AcceptAsync(TcpListener accepting)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await accepting.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // Down.
            }
            var server = Take();
            var backend = new TcpClient();
            await backend.ConnectAsync(IPAddress.Loopback, server.Configuration.Port);
            lock (open) open.AddRange([client, backend]);
            _ = Task.WhenAll(PipeAsync(client, backend), PipeAsync(backend, client)).ContinueWith(_ =>
            {
                lock (servers) idle.Push(server);
            }, TaskScheduler.Default);
        }
    }

    private SimpleSmtpServer Take()
    {
        lock (servers)
        {
            if (idle.TryPop(out var server)) return server;
            server = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
            servers.Add(server);
            return server;
        }
    }

    private static async Task PipeAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut by Down, or closed by the other side.
        }
        from.Dispose();
        to.Dispose();
    }
}
