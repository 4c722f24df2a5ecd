using System.Net;
using System.Buffers.Binary;

using GameBackend.SessionRelay.Transport;

namespace GameBackend.SessionRelay.Tests;

public sealed class JoinTests
{
    [Fact]
    public void A_valid_token_joins_with_its_slot_a_connection_id_and_the_other_members()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        var first = RelayHarness.NewId();
        var second = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();

        var joinedA = a.JoinOrFail(relay.Token(session, first, 3));
        Assert.Equal(RelayProtocol.JoinedFixedLength, joinedA.Length);
        Assert.Equal(3, joinedA[12]);
        Assert.Equal(0, joinedA[13]);
        Assert.NotEqual(new byte[8], a.ConnectionId);
        Assert.Equal((ushort)10, BinaryPrimitives.ReadUInt16BigEndian(joinedA.AsSpan(14)));

        var joinedB = b.JoinOrFail(relay.Token(session, second, 5));
        Assert.Equal(5, joinedB[12]);
        Assert.Equal(1, joinedB[13]);
        Assert.Equal(3, joinedB[22]);
        Assert.Equal(Convert.FromHexString(first), joinedB.AsSpan(23, 16).ToArray());
        Assert.NotEqual(a.ConnectionId, b.ConnectionId);

        // The first member hears about the second.
        var notice = a.ReceiveType(RelayProtocol.MemberJoined);
        Assert.NotNull(notice);
        Assert.Equal(RelayProtocol.MemberJoinedLength, notice.Length);
        Assert.Equal(5, notice[4]);
        Assert.Equal(Convert.FromHexString(second), notice.AsSpan(5, 16).ToArray());

        Assert.Equal(1, relay.Metrics.Sessions);
        Assert.Equal(2, relay.Metrics.Members);
    }

    [Fact]
    public void A_retried_join_from_the_same_endpoint_gets_the_same_connection_id()
    {
        using var relay = new RelayHarness();
        var token = relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0);
        using var a = relay.Client();
        a.JoinOrFail(token);
        var first = a.ConnectionId;
        a.JoinOrFail(token);
        Assert.Equal(first, a.ConnectionId);
        Assert.Equal(1, relay.Metrics.Members);
    }

    [Fact]
    public void An_expired_token_is_refused_expired()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        var answer = a.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, validFor: TimeSpan.FromSeconds(-5)));
        Assert.NotNull(answer);
        Assert.Equal(RelayProtocol.Refused, answer[3]);
        Assert.Equal((byte)RefusalReason.Expired, answer[4]);
        Assert.Equal(RelayProtocol.RefusedLength, answer.Length);
        Assert.Equal(0, relay.Metrics.Sessions);
    }

    [Fact]
    public void A_forged_token_is_dropped_without_an_answer()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        var forged = relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, secret: new byte[32]);
        Assert.Null(a.Join(forged, timeoutMs: 300));

        var tampered = relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0);
        tampered[57] ^= 1; // another slot than the one signed
        Assert.Null(a.Join(tampered, timeoutMs: 300));

        Assert.Equal(2, relay.Metrics.Drops(DropReason.BadSignature));
        Assert.Equal(0, relay.Metrics.Sessions);
    }

    [Fact]
    public async Task A_flood_of_joins_from_one_address_is_cut_to_its_cap_before_any_hmac_and_other_addresses_still_join()
    {
        var loopback = new PeerAddress();
        loopback.CopyFrom(new IPEndPoint(IPAddress.Loopback, 1000).Serialize().Buffer.Span);
        var neighbour = new PeerAddress();
        neighbour.CopyFrom(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 2000).Serialize().Buffer.Span);
        Assert.NotEqual(RelayEngine.JoinBucketOf(in loopback), RelayEngine.JoinBucketOf(in neighbour));

        using var relay = new RelayHarness(o => o.JoinsPerSecondPerAddress = 5);
        using var flooder = relay.Client();
        const int Flood = 200;
        for (var i = 0; i < Flood; i++)
        {
            flooder.Send(RelayTestClient.JoinDatagram(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, secret: new byte[32]), RelayProtocol.JoinLength));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (relay.Metrics.Drops(DropReason.BadSignature) + relay.Metrics.Drops(DropReason.JoinRateLimited) < Flood && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // The burst (5) and what refilled while the flood was sent reached the HMAC; the rest were cut before it.
        var verified = relay.Metrics.Drops(DropReason.BadSignature);
        Assert.Equal(Flood, verified + relay.Metrics.Drops(DropReason.JoinRateLimited));
        Assert.InRange(verified, 5, 5 + 50);
        Assert.Null(flooder.Receive(100));

        // Another address has its own budget: an authentic join from it goes straight in.
        using var neighbourClient = relay.Client(IPAddress.Parse("127.0.0.2"));
        neighbourClient.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        Assert.Equal(1, relay.Metrics.Members);
    }

    [Fact]
    public void The_join_cap_keys_on_the_address_not_the_port_and_on_the_ipv6_slash_64()
    {
        static int Bucket(string address, int port)
        {
            var peer = new PeerAddress();
            peer.CopyFrom(new IPEndPoint(IPAddress.Parse(address), port).Serialize().Buffer.Span);
            return RelayEngine.JoinBucketOf(in peer);
        }

        Assert.Equal(Bucket("203.0.113.7", 1), Bucket("203.0.113.7", 65000));
        Assert.Equal(Bucket("2001:db8:1:2::1", 1), Bucket("2001:db8:1:2:ffff:ffff:ffff:ffff", 2));
        Assert.InRange(Bucket("2001:db8:1:2::1", 1), 0, RelayEngine.JoinBucketCount - 1);

        // Distinct addresses spread over the table instead of piling into a few buckets.
        var buckets = new HashSet<int>();
        for (var i = 0; i < 1000; i++)
        {
            buckets.Add(Bucket($"198.51.{i / 256}.{i % 256}", 5000));
        }

        Assert.True(buckets.Count > 850, $"1000 addresses fell into {buckets.Count} buckets");
    }

    [Fact]
    public void A_token_of_an_unknown_key_or_title_is_dropped_without_an_answer()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        Assert.Null(a.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, keyId: "otherkey"), timeoutMs: 300));
        Assert.Null(a.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, titleId: RelayHarness.NewId()), timeoutMs: 300));
        Assert.Equal(2, relay.Metrics.Drops(DropReason.UnknownKey));
    }

    [Fact]
    public void A_join_that_is_not_padded_to_1200_bytes_is_dropped()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        var token = relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0);
        a.Send(RelayTestClient.JoinDatagram(token, RelayProtocol.JoinTokenOffset + token.Length));
        a.Send(RelayTestClient.JoinDatagram(token, 1199));
        Assert.Null(a.Receive(300));
        Assert.Equal(2, relay.Metrics.Drops(DropReason.Malformed));
        Assert.Equal(0, relay.Metrics.Sessions);
    }

    [Fact]
    public void A_token_for_another_session_joins_that_session_only()
    {
        using var relay = new RelayHarness();
        var sessionA = RelayHarness.NewId();
        var sessionB = RelayHarness.NewId();
        using var a = relay.Client();
        using var intruder = relay.Client();
        a.JoinOrFail(relay.Token(sessionA, RelayHarness.NewId(), 0));
        intruder.JoinOrFail(relay.Token(sessionB, RelayHarness.NewId(), 1));

        // The intruder sits alone in session B: nothing it sends reaches session A.
        intruder.SendData(RelayProtocol.AllMembers, [1, 2, 3]);
        intruder.SendData(0, [1, 2, 3]);
        Assert.Empty(a.Drain(300));
        Assert.Equal(2, relay.Metrics.Sessions);
        Assert.Equal(1, relay.Metrics.Drops(DropReason.NoSuchTarget));
    }

    [Fact]
    public void A_token_of_another_title_cannot_enter_a_session_of_this_title()
    {
        using var relay = new RelayHarness();
        var otherTitle = RelayHarness.NewId();
        var otherSecret = new byte[32];
        otherSecret[0] = 7;
        relay.Keys.SetKeys(RelayHarness.Id(otherTitle), [new RelayKey("otherkey", otherSecret)]);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));

        // The other title's studio signs a token naming this title's session id.
        Assert.Null(b.Join(relay.Token(session, RelayHarness.NewId(), 1, titleId: otherTitle, secret: otherSecret, keyId: "otherkey"), timeoutMs: 300));
        Assert.Equal(1, relay.Metrics.Drops(DropReason.TitleMismatch));
        Assert.Equal(1, relay.Metrics.Members);
    }

    [Fact]
    public void A_slot_held_by_another_player_is_refused_slot_taken()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var thief = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 2));
        var answer = thief.Join(relay.Token(session, RelayHarness.NewId(), 2));
        Assert.NotNull(answer);
        Assert.Equal(RelayProtocol.Refused, answer[3]);
        Assert.Equal((byte)RefusalReason.SlotTaken, answer[4]);
    }

    [Fact]
    public async Task A_token_replayed_from_another_endpoint_while_its_member_is_live_is_refused_slot_in_use()
    {
        using var relay = new RelayHarness();
        var token = relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0);
        using var a = relay.Client();
        using var replayer = relay.Client();
        a.JoinOrFail(token);
        var answer = replayer.Join(token);
        Assert.NotNull(answer);
        Assert.Equal(RelayProtocol.Refused, answer[3]);
        Assert.Equal((byte)RefusalReason.SlotInUse, answer[4]);

        // After the member leaves, the same token joins again (from anywhere) with a fresh connection id.
        var first = a.ConnectionId;
        a.Leave();
        await RelayHarness.Eventually(() => relay.Metrics.Members == 0, "the member left");
        replayer.JoinOrFail(token);
        Assert.NotEqual(first, replayer.ConnectionId);
    }

    [Fact]
    public void A_slot_of_64_or_more_is_refused_bad_slot()
    {
        using var relay = new RelayHarness();
        using var a = relay.Client();
        var answer = a.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 64));
        Assert.NotNull(answer);
        Assert.Equal((byte)RefusalReason.BadSlot, answer[4]);
    }

    [Fact]
    public void A_full_relay_refuses_new_sessions_full()
    {
        using var relay = new RelayHarness(o => o.MaxSessions = 1);
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        var answer = b.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        Assert.NotNull(answer);
        Assert.Equal((byte)RefusalReason.Full, answer[4]);
    }
}
