using System.Net;
using System.Net.Sockets;
using GameBackend.SessionRelay.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameBackend.SessionRelay.Tests;

public sealed class MetricsAndHostingTests
{
    [Fact]
    public async Task Metrics_text_carries_sessions_members_traffic_and_drops_by_reason()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        b.SendData(0, [1, 2, 3]);
        a.ReceiveType(RelayProtocol.Deliver);
        a.Send([1, 2, 3]);
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.Malformed) == 1, "the drop");

        var text = relay.Metrics.ToPrometheusText(draining: false);
        Assert.Contains("# TYPE relay_sessions gauge\nrelay_sessions 1\n", text, StringComparison.Ordinal);
        Assert.Contains("\nrelay_members 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\nrelay_packets_in_total 4\n", text, StringComparison.Ordinal);
        Assert.Contains("\nrelay_bytes_in_total " + (1200 + 1200 + 16 + 3), text, StringComparison.Ordinal);
        Assert.Contains("\nrelay_packets_out_total 4\n", text, StringComparison.Ordinal); // 2 JOINED, 1 MEMBER_JOINED, 1 DELIVER
        Assert.Contains("relay_drops_total{reason=\"malformed\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("relay_drops_total{reason=\"wrong_endpoint\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("relay_join_refusals_total{reason=\"draining\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("\nrelay_draining 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portable_socket_transport_speaks_the_same_protocol()
    {
        using var relay = new RelayHarness(o => o.Transport = "socket");
        Assert.Equal("socket", relay.Relay.TransportName);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        b.SendData(RelayProtocol.AllMembers, "x"u8);
        Assert.Equal("x"u8.ToArray(), a.ReceiveType(RelayProtocol.Deliver)!.AsSpan(5).ToArray());
        var spoof = relay.Client();
        spoof.Send(spoof.DataDatagram(0, [1], b.ConnectionId));
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.WrongEndpoint) == 1, "the spoof dropped");
        spoof.Dispose();
    }

    [Theory]
    [InlineData("batched")]
    [InlineData("socket")]
    public async Task Over_IPv6_members_exchange_data_and_endpoints_are_checked(string transport)
    {
        using var relay = new RelayHarness(o =>
        {
            o.Endpoint = "[::1]:0";
            o.Transport = transport;
        });
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        using var spoof = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        b.SendData(0, "v6"u8);
        Assert.Equal("v6"u8.ToArray(), a.ReceiveType(RelayProtocol.Deliver)!.AsSpan(5).ToArray());
        spoof.Send(spoof.DataDatagram(0, [1], b.ConnectionId));
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.WrongEndpoint) == 1, "the spoof dropped");
        Assert.Equal(2, relay.Metrics.Members);
    }

    [Fact]
    public async Task The_hosted_relay_serves_health_readiness_and_metrics_and_drains_on_stop()
    {
        var titleId = RelayHarness.NewId();
        var secret = new byte[32];
        secret[1] = 9;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Endpoint"] = "127.0.0.1:0",
            ["Relay:DrainSeconds"] = "1",
            ["Relay:Titles:0:TitleId"] = titleId,
            ["Relay:Titles:0:Keys:0:KeyId"] = "hostkey1",
            ["Relay:Titles:0:Keys:0:Secret"] = System.Buffers.Text.Base64Url.EncodeToString(secret),
        });
        builder.Services.AddSessionRelay(builder.Configuration.GetSection(RelayOptions.SectionName));
        await using var app = builder.Build();
        app.MapRelayOperations();
        await app.StartAsync();
        var relay = app.Services.GetRequiredService<UdpRelay>();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        // The configured key verifies tokens.
        using var client = new RelayTestClient(new IPEndPoint(IPAddress.Loopback, relay.LocalEndpoint.Port));
        var token = Core.Sessions.JoinToken.Create(new Core.Sessions.JoinGrant(titleId, RelayHarness.NewId(), RelayHarness.NewId(), 0, DateTimeOffset.UtcNow.AddMinutes(1)), "hostkey1", secret);
        client.JoinOrFail(token);

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("\nrelay_members 1\n", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        relay.BeginDrain();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Contains("\nrelay_draining 1\n", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // Stopping waits for the drain deadline (1 s), closes the session, and stops the loop.
        await app.StopAsync();
        Assert.False(relay.IsRunning);
        Assert.Equal(0, relay.Metrics.Sessions);
        Assert.NotNull(client.ReceiveType(RelayProtocol.Closing));
    }
}
