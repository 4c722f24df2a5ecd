using System.Buffers.Binary;

namespace GameBackend.SessionRelay.Tests;

public sealed class ForwardingTests
{
    private static (RelayTestClient A, RelayTestClient B, RelayTestClient C) ThreeMembers(RelayHarness relay)
    {
        var session = RelayHarness.NewId();
        var a = relay.Client();
        var b = relay.Client();
        var c = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        c.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 2));
        a.Drain(100);
        b.Drain(100);
        return (a, b, c);
    }

    [Fact]
    public void Data_to_one_slot_reaches_that_member_only_with_the_senders_slot()
    {
        using var relay = new RelayHarness();
        var (a, b, c) = ThreeMembers(relay);
        using (a)
        using (b)
        using (c)
        {
            a.SendData(2, "hello"u8);
            var delivered = c.ReceiveType(RelayProtocol.Deliver);
            Assert.NotNull(delivered);
            Assert.Equal(RelayProtocol.DeliverHeaderLength + 5, delivered.Length);
            Assert.Equal(0, delivered[4]);
            Assert.Equal("hello"u8.ToArray(), delivered.AsSpan(5).ToArray());
            Assert.Empty(b.Drain(200));
        }
    }

    [Fact]
    public void Data_to_all_reaches_every_other_member_and_not_the_sender()
    {
        using var relay = new RelayHarness();
        var (a, b, c) = ThreeMembers(relay);
        using (a)
        using (b)
        using (c)
        {
            var payload = new byte[RelayProtocol.MaxPayload];
            Random.Shared.NextBytes(payload);
            b.SendData(RelayProtocol.AllMembers, payload);
            foreach (var receiver in new[] { a, c })
            {
                var delivered = receiver.ReceiveType(RelayProtocol.Deliver);
                Assert.NotNull(delivered);
                Assert.Equal(1, delivered[4]);
                Assert.Equal(payload, delivered.AsSpan(5).ToArray());
                Assert.True(delivered.Length <= RelayProtocol.MaxDatagram);
            }

            Assert.Empty(b.Drain(200));
        }
    }

    [Fact]
    public void Ping_is_answered_with_the_clients_value_in_a_smaller_pong()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        a.Send(a.PingDatagram(0x0102030405060708));
        var pong = a.ReceiveType(RelayProtocol.Pong);
        Assert.NotNull(pong);
        Assert.Equal(RelayProtocol.PongLength, pong.Length);
        Assert.Equal(0x0102030405060708, BinaryPrimitives.ReadInt64BigEndian(pong.AsSpan(4)));
    }

    [Fact]
    public void Datagrams_with_a_live_connection_id_from_another_endpoint_are_dropped()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        using var spoofer = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(100);

        spoofer.Send(spoofer.DataDatagram(RelayProtocol.AllMembers, [9, 9], b.ConnectionId));
        spoofer.Send(spoofer.DataDatagram(0, [9, 9], b.ConnectionId));
        var ping = b.PingDatagram(1);
        spoofer.Send(ping);
        var leave = new byte[RelayProtocol.LeaveLength];
        RelayProtocol.WriteHeader(leave, RelayProtocol.Leave);
        b.ConnectionId.CopyTo(leave, 4);
        spoofer.Send(leave);

        Assert.Empty(a.Drain(300));
        Assert.Empty(spoofer.Drain(50));
        Assert.Equal(4, relay.Metrics.Drops(DropReason.WrongEndpoint));
        Assert.Equal(2, relay.Metrics.Members);
    }

    [Fact]
    public void Datagrams_with_an_unknown_connection_id_are_dropped()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(100);

        var wrong = (byte[])b.ConnectionId.Clone();
        wrong[7] ^= 0x80;
        b.Send(b.DataDatagram(RelayProtocol.AllMembers, [1], wrong));
        Assert.Empty(a.Drain(300));
        Assert.Empty(b.Drain(50));
        Assert.Equal(1, relay.Metrics.Drops(DropReason.UnknownConnection));
    }

    [Fact]
    public async Task A_member_over_its_packet_cap_is_cut_to_the_cap()
    {
        using var relay = new RelayHarness(o => o.MemberPacketsPerSecond = 20);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(100);

        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            b.SendData(0, [(byte)i]);
        }

        // The one-second burst, plus what refilled while sending (a loaded machine may take a while to send 100).
        var refill = (int)Math.Ceiling(sending.Elapsed.TotalSeconds * 20) + 1;
        var delivered = a.Drain(300).Count(d => d[3] == RelayProtocol.Deliver);
        Assert.InRange(delivered, 20, 20 + refill);
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.RateLimited) == 100 - delivered, "the rest dropped as rate_limited");
    }

    [Fact]
    public void A_member_over_its_byte_cap_is_cut_to_the_cap()
    {
        using var relay = new RelayHarness(o => o.MemberBytesPerSecond = 10_000);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(100);

        var payload = new byte[987]; // 1000-byte datagrams
        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            b.SendData(0, payload);
        }

        var refill = (int)Math.Ceiling(sending.Elapsed.TotalSeconds * 10) + 1;
        var delivered = a.Drain(300).Count(d => d[3] == RelayProtocol.Deliver);
        Assert.InRange(delivered, 10, 10 + refill);
        Assert.True(relay.Metrics.Drops(DropReason.RateLimited) >= 19);
    }

    [Fact]
    public async Task Malformed_datagrams_are_dropped_unanswered()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        a.Send([]);
        a.Send([0x47]);
        a.Send(new byte[1500]);
        var wrongVersion = new byte[20];
        RelayProtocol.WriteHeader(wrongVersion, RelayProtocol.Ping);
        wrongVersion[2] = 2;
        a.Send(wrongVersion);
        var unknownType = new byte[20];
        RelayProtocol.WriteHeader(unknownType, 0x7F);
        a.Send(unknownType);
        var relayType = new byte[20];
        RelayProtocol.WriteHeader(relayType, RelayProtocol.Pong);
        a.Send(relayType);
        var shortPing = new byte[19];
        RelayProtocol.WriteHeader(shortPing, RelayProtocol.Ping);
        a.Send(shortPing);

        Assert.Null(a.Receive(300));
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.Malformed) == 7, "seven malformed drops");
    }
}
