using System.Buffers.Binary;
using GameBackend.Client.Relay;

namespace GameBackend.Client.Tests.Relay;

/// <summary>
/// The relay client's wire format, byte for byte, against a scripted relay built from docs/relay-protocol.md's
/// tables (not from src/SessionRelay): what it sends, and what it makes of every relay → client message.
/// </summary>
public sealed class RelayClientProtocolTests
{
    private static readonly byte[] PlayerA = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] PlayerB = Enumerable.Range(0xA0, 16).Select(i => (byte)i).ToArray();
    private const string PlayerAText = "101112131415161718191a1b1c1d1e1f";
    private const string PlayerBText = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

    private static async Task<(RelayClient Client, FakeRelay Relay)> JoinedAsync(byte slot = 3, ushort idleSeconds = 15, params (byte, byte[])[] others)
    {
        var relay = new FakeRelay();
        var token = FakeRelay.Token(slot);
        var joining = RelayClient.JoinAsync(relay.EndPoint, token);
        await relay.ReceiveTypeAsync(0x01);
        await relay.SendAsync(FakeRelay.Joined(0x0102030405060708, slot, idleSeconds, others));
        return (await joining, relay);
    }

    [Fact]
    public async Task Join_is_1200_bytes_of_header_token_and_zero_padding_and_joined_is_read_field_by_field()
    {
        using var relay = new FakeRelay();
        var token = FakeRelay.Token(slot: 5);
        var joining = RelayClient.JoinAsync($"127.0.0.1:{relay.EndPoint.Port}", Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

        var join = await relay.ReceiveAsync();
        Assert.Equal(1200, join.Length);
        Assert.Equal(new byte[] { 0x47, 0x52, 1, 0x01 }, join[..4]);
        Assert.Equal(token, join[4..102]);
        Assert.All(join[102..], b => Assert.Equal(0, b));

        await relay.SendAsync(FakeRelay.Joined(0x0102030405060708, 5, 12, (1, PlayerA), (9, PlayerB)));
        using var client = await joining;

        Assert.Equal(RelayState.Joined, client.State);
        Assert.Equal(5, client.Slot);
        Assert.Equal(TimeSpan.FromSeconds(12), client.IdleTimeout);
        Assert.Equal(100, client.RateCapDatagramsPerSecond);
        Assert.Equal(50_000, client.RateCapBytesPerSecond);
        Assert.Equal([new RelayMember(1, PlayerAText), new RelayMember(9, PlayerBText)], client.Members);
        Assert.False(client.TryGetEvent(out _)); // the first member list is Members, not events
    }

    [Fact]
    public async Task Data_ping_and_leave_carry_the_connection_id_in_the_documented_layout()
    {
        var (client, relay) = await JoinedAsync();
        using var relayScope = relay;

        Assert.True(client.Send(7, "hello"u8));
        var data = await relay.ReceiveTypeAsync(0x02);
        Assert.Equal(13 + 5, data.Length);
        Assert.Equal(new byte[] { 0x47, 0x52, 1, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 7 }, data[..13]);
        Assert.Equal("hello"u8.ToArray(), data[13..]);

        Assert.True(client.SendToAll(new byte[RelayClient.MaxPayload]));
        var all = await relay.ReceiveTypeAsync(0x02);
        Assert.Equal(1200, all.Length);
        Assert.Equal(0xFF, all[12]);
        Assert.Throws<ArgumentException>(() => client.SendToAll(new byte[RelayClient.MaxPayload + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Send(64, "x"u8));

        var pinging = client.PingAsync(TimeSpan.FromSeconds(2));
        var ping = await relay.ReceiveTypeAsync(0x03);
        Assert.Equal(20, ping.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ping[4..12]);
        await Task.Delay(20);
        var pong = FakeRelay.Header(0x84, 12);
        ping.AsSpan(12, 8).CopyTo(pong.AsSpan(4));
        await relay.SendAsync(pong);
        var roundTrip = await pinging;
        Assert.NotNull(roundTrip);
        Assert.True(roundTrip >= TimeSpan.FromMilliseconds(15), roundTrip.ToString());
        Assert.Equal(roundTrip, client.LastRoundTrip);

        client.Leave();
        for (var i = 0; i < 3; i++)
        {
            var leave = await relay.ReceiveTypeAsync(0x04);
            Assert.Equal(new byte[] { 0x47, 0x52, 1, 0x04, 1, 2, 3, 4, 5, 6, 7, 8 }, leave);
        }

        Assert.Equal(RelayState.Left, client.State);
        Assert.Throws<ObjectDisposedException>(() => client.SendToAll("late"u8));
    }

    [Fact]
    public async Task Deliveries_are_read_by_polling_or_awaiting_and_the_oldest_is_dropped_when_the_queue_is_full()
    {
        var relay = new FakeRelay();
        using var relayScope = relay;
        var joining = RelayClient.JoinAsync(relay.EndPoint, FakeRelay.Token(), new RelayClientOptions { ReceiveQueueCapacity = 4 });
        await relay.ReceiveTypeAsync(0x01);
        await relay.SendAsync(FakeRelay.Joined(42, 0, 15));
        using var client = await joining;

        var buffer = new byte[RelayClient.MaxPayload];
        Assert.False(client.TryReceive(buffer, out _));

        for (byte i = 0; i < 6; i++)
        {
            var deliver = FakeRelay.Header(0x83, 5 + 3);
            deliver[4] = 2;
            deliver[5] = i;
            deliver[6] = 0xAB;
            deliver[7] = 0xCD;
            await relay.SendAsync(deliver);
        }

        var first = await client.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var seen = new List<byte> { buffer[0] };
        Assert.Equal(new RelayDelivery(2, 3), first);
        await Task.Delay(300); // the rest have arrived
        while (client.TryReceive(buffer, out var delivery))
        {
            Assert.Equal(2, delivery.FromSlot);
            Assert.Equal(new byte[] { 0xAB, 0xCD }, buffer[1..3]);
            seen.Add(buffer[0]);
        }

        // Six arrived at a queue of four (perhaps one read in between): the newest survive, in order; the rest were dropped.
        Assert.InRange(seen.Count, 4, 5);
        Assert.Equal(5, seen[^1]);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(6, client.Statistics.DeliveriesReceived);
        Assert.Equal(6 - seen.Count, client.Statistics.DeliveriesDropped);

        // An empty payload is a valid DELIVER too.
        var empty = FakeRelay.Header(0x83, 5);
        empty[4] = 7;
        await relay.SendAsync(empty);
        Assert.Equal(new RelayDelivery(7, 0), await client.ReceiveAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Member_notices_closing_and_refreshes_become_events_and_malformed_datagrams_are_ignored()
    {
        var (client, relay) = await JoinedAsync(3, 15, (1, PlayerA));
        using var relayScope = relay;
        using var clientScope = client;

        var joined = FakeRelay.Header(0x85, 21);
        joined[4] = 9;
        PlayerB.CopyTo(joined, 5);
        await relay.SendAsync(joined);
        Assert.Equal(new RelayEvent(RelayEventKind.MemberJoined, 9, PlayerBText, 0, 0), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        var left = FakeRelay.Header(0x86, 6);
        left[4] = 1;
        left[5] = 2;
        await relay.SendAsync(left);
        Assert.Equal(new RelayEvent(RelayEventKind.MemberLeft, 1, PlayerAText, 2, 0), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal([new RelayMember(9, PlayerBText)], client.Members);

        // Malformed or foreign datagrams: wrong magic, wrong version, unknown type, wrong lengths, a slot out of range.
        var wrongMagic = FakeRelay.Header(0x85, 21);
        wrongMagic[0] = 0x48;
        var wrongVersion = FakeRelay.Header(0x85, 21);
        wrongVersion[2] = 2;
        var badSlot = FakeRelay.Header(0x86, 6);
        badSlot[4] = 64;
        var junk = new[] { wrongMagic, wrongVersion, FakeRelay.Header(0x99, 8), FakeRelay.Header(0x85, 20), FakeRelay.Header(0x84, 13), badSlot, FakeRelay.Joined(1, 0, 15)[..21], new byte[] { 0x47 } };
        foreach (var datagram in junk)
        {
            await relay.SendAsync(datagram);
        }

        // A member-list refresh (JOIN again) answered by a JOINED with a changed list: the differences are events.
        client.RefreshMembers();
        await relay.ReceiveTypeAsync(0x01);
        await relay.SendAsync(FakeRelay.Joined(0x0102030405060708, 3, 15, (4, PlayerA)));
        Assert.Equal(new RelayEvent(RelayEventKind.MemberJoined, 4, PlayerAText, 0, 0), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(new RelayEvent(RelayEventKind.MemberLeft, 9, PlayerBText, 0, 0), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        var closing = FakeRelay.Header(0x87, 7);
        closing[4] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(closing.AsSpan(5), 30);
        await relay.SendAsync(closing);
        Assert.Equal(new RelayEvent(RelayEventKind.Closing, -1, null, 1, 30), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(junk.Length, client.Statistics.DatagramsIgnored);
        Assert.Equal(RelayState.Joined, client.State);
    }

    [Fact]
    public async Task Sending_and_polling_allocate_nothing_on_the_game_thread()
    {
        var (client, relay) = await JoinedAsync();
        using var relayScope = relay;
        using var clientScope = client;
        var payload = new byte[100];
        var buffer = new byte[RelayClient.MaxPayload];
        var deliver = FakeRelay.Header(0x83, 5 + 100);
        deliver[4] = 1;

        // Warm up (first sends, JIT, the pool's first buffers), then measure this thread's allocations.
        for (var i = 0; i < 50; i++)
        {
            client.SendToAll(payload);
            await relay.SendAsync(deliver);
        }

        await Task.Delay(200);
        while (client.TryReceive(buffer, out _))
        {
        }

        for (var i = 0; i < 100; i++)
        {
            await relay.SendAsync(deliver);
        }

        await Task.Delay(200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var received = 0;
        for (var i = 0; i < 1000; i++)
        {
            client.Send(1, payload);
            client.SendToAll(payload);
            if (client.TryReceive(buffer, out _))
            {
                received++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100, received);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(1, RelayRefusal.Expired)]
    [InlineData(3, RelayRefusal.SlotInUse)]
    [InlineData(4, RelayRefusal.Draining)]
    public async Task A_refused_join_throws_with_the_reason(byte code, RelayRefusal refusal)
    {
        using var relay = new FakeRelay();
        var joining = RelayClient.JoinAsync(relay.EndPoint, FakeRelay.Token());
        await relay.ReceiveTypeAsync(0x01);
        var refused = FakeRelay.Header(0x82, 5);
        refused[4] = code;
        await relay.SendAsync(refused);

        var e = await Assert.ThrowsAsync<RelayJoinException>(() => joining);
        Assert.Equal(refusal, e.Refusal);
    }

    [Fact]
    public async Task An_unanswered_join_is_retried_then_given_up()
    {
        using var relay = new FakeRelay();
        var options = new RelayClientOptions { JoinAttempts = 4, JoinRetryInterval = TimeSpan.FromMilliseconds(50) };
        var joining = RelayClient.JoinAsync(relay.EndPoint, FakeRelay.Token(), options);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(1200, (await relay.ReceiveTypeAsync(0x01)).Length);
        }

        var e = await Assert.ThrowsAsync<RelayJoinException>(() => joining);
        Assert.Equal(RelayRefusal.None, e.Refusal);
        await Assert.ThrowsAsync<ArgumentException>(() => RelayClient.JoinAsync(relay.EndPoint, new byte[97]));
    }

    [Fact]
    public async Task A_quiet_member_pings_and_a_silent_relay_is_lost_then_rejoined()
    {
        // An idle timeout of 1 s: pings at least every third of it, and after 1 s of silence the client is Lost.
        var (client, relay) = await JoinedAsync(3, idleSeconds: 1);
        using var relayScope = relay;
        using var clientScope = client;

        var ping = await relay.ReceiveTypeAsync(0x03, timeoutMs: 1000);
        Assert.Equal(20, ping.Length);

        // The relay stays silent (no PONG): the client declares the relay lost and sends JOIN again.
        Assert.Equal(new RelayEvent(RelayEventKind.Lost, -1, null, 0, 0), await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(RelayState.Lost, client.State);
        await relay.ReceiveTypeAsync(0x01, timeoutMs: 2000);

        await relay.SendAsync(FakeRelay.Joined(99, 3, 1));
        Assert.Equal(RelayEventKind.Rejoined, (await client.NextEventAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Kind);
        Assert.Equal(RelayState.Joined, client.State);

        client.SendToAll("again"u8);
        var data = await relay.ReceiveTypeAsync(0x02);
        Assert.Equal(99, BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(4)));
    }
}
