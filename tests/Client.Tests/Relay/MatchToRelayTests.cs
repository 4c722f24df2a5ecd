using System.Net;
using System.Net.Sockets;
using System.Text;
using GameBackend.Client.Relay;

namespace GameBackend.Client.Tests.Relay;

/// <summary>
/// Hosts.Local with its in-process session relay on a port of its own and its one-second matchmaking scheduler on
/// real time: the backend of `dotnet run --project src/Hosts.Local`, in memory.
/// </summary>
public sealed class RelayBackend : BackendFactory
{
    public RelayBackend()
        : this(FreeUdpPort())
    {
    }

    private RelayBackend(int relayPort)
        : base(
            new Dictionary<string, string?>
            {
                ["GameBackend:Relay:Enabled"] = "true",
                ["GameBackend:Relay:Endpoint"] = $"127.0.0.1:{relayPort}",
                ["GameBackend:Relay:Required"] = "true",
                ["GameBackend:MatchmakingTickSeconds"] = "1",
            },
            fakeTime: false)
    {
        RelayPort = relayPort;
    }

    public int RelayPort { get; }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}

/// <summary>
/// The end-to-end path issue 5 asks for, through the SDK alone: players sign in, queue, are matched by the host's
/// matchmaking scheduler, join the assigned relay with their join tokens, and exchange packets; then ping and leave.
/// </summary>
public sealed class MatchToRelayTests(RelayBackend backend) : IClassFixture<RelayBackend>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Players_matched_by_the_scheduler_join_the_assigned_relay_and_exchange_packets()
    {
        var title = await backend.CreateTitleAsync();
        await backend.AdminAsync(title, HttpMethod.Put, "/v1/admin/matchmaking/queues/squads", """{"teams":2,"teamSize":2}""");

        var players = new List<GameBackendClient>();
        var relays = new List<RelayClient>();
        try
        {
            var tickets = new List<Ticket>();
            for (var i = 0; i < 4; i++)
            {
                var client = backend.NewClient(title);
                players.Add(client);
                await client.Auth.SignInWithDeviceAsync("relay-e2e-" + Guid.NewGuid().ToString("N"));
                tickets.Add(await client.Matchmaking.CreateTicketAsync("squads"));
            }

            // The scheduler ticks every second; each client polls as its ticket asks.
            using var matchTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var matched = await Task.WhenAll(players.Select((p, i) => p.Matchmaking.WaitForMatchAsync(tickets[i], matchTimeout.Token)));
            Assert.All(matched, t => Assert.True(t.IsMatched, t.Status));
            var assignments = matched.Select(t => t.Assignment!).ToList();
            Assert.Single(assignments.Select(a => a.SessionId).Distinct());
            Assert.All(assignments, a => Assert.Equal($"127.0.0.1:{backend.RelayPort}", a.RelayEndpoint));

            // Each joins with their own seat; the relay learns the title's key on the first JOIN.
            foreach (var assignment in assignments)
            {
                var relay = await RelayClient.JoinAsync(assignment);
                relays.Add(relay);
                Assert.Equal(RelayState.Joined, relay.State);
                Assert.Equal(assignment.Seats[0].Slot, relay.Slot);
            }

            // Everyone sees the other three under the ids the backend gave them.
            var slotOf = assignments[0].Players.ToDictionary(p => p.Slot, p => p.PlayerId);
            var last = relays[^1];
            Assert.Equal(
                slotOf.Where(p => p.Key != last.Slot).OrderBy(p => p.Key).Select(p => new RelayMember(p.Key, p.Value)),
                last.Members);
            var firstEvents = new List<RelayEvent>();
            for (var i = 0; i < 3; i++)
            {
                firstEvents.Add(await relays[0].NextEventAsync().AsTask().WaitAsync(Patience));
            }

            Assert.All(firstEvents, e => Assert.Equal(RelayEventKind.MemberJoined, e.Kind));
            Assert.Equal(relays.Skip(1).Select(r => r.Slot).Order(), firstEvents.Select(e => e.Slot).Order());
            Assert.All(firstEvents, e => Assert.Equal(slotOf[e.Slot], e.PlayerId));

            // To everyone: each other member gets it once, marked with the sender's slot.
            Assert.True(relays[0].SendToAll("hello, squad"u8));
            foreach (var receiver in relays.Skip(1))
            {
                var buffer = new byte[RelayClient.MaxPayload];
                var delivery = await receiver.ReceiveAsync(buffer).AsTask().WaitAsync(Patience);
                Assert.Equal(relays[0].Slot, delivery.FromSlot);
                Assert.Equal("hello, squad", Encoding.UTF8.GetString(buffer, 0, delivery.Length));
            }

            // To one slot: only that member gets it, read with the game-loop (polling) API.
            Assert.True(relays[1].Send(relays[2].Slot, "just you"u8));
            var pollBuffer = new byte[RelayClient.MaxPayload];
            RelayDelivery direct = default;
            var deadline = DateTime.UtcNow + Patience;
            while (!relays[2].TryReceive(pollBuffer, out direct))
            {
                Assert.True(DateTime.UtcNow < deadline, "no DELIVER to slot " + relays[2].Slot);
                await Task.Delay(5);
            }

            Assert.Equal(relays[1].Slot, direct.FromSlot);
            Assert.Equal("just you", Encoding.UTF8.GetString(pollBuffer, 0, direct.Length));
            await Task.Delay(200);
            Assert.False(relays[3].TryReceive(pollBuffer, out _));
            Assert.False(relays[0].TryReceive(pollBuffer, out _));

            // A burst both ways arrives whole (loopback, far below the rate caps).
            for (var i = 0; i < 50; i++)
            {
                relays[3].Send(relays[0].Slot, BitConverter.GetBytes(i));
            }

            var burst = new List<int>();
            while (burst.Count < 50)
            {
                var delivery = await relays[0].ReceiveAsync(pollBuffer).AsTask().WaitAsync(Patience);
                Assert.Equal(relays[3].Slot, delivery.FromSlot);
                burst.Add(BitConverter.ToInt32(pollBuffer, 0));
            }

            Assert.Equal(Enumerable.Range(0, 50), burst.Order());

            // Round trips to the relay on loopback.
            foreach (var relay in relays)
            {
                var roundTrip = await relay.PingAsync(TimeSpan.FromSeconds(2));
                Assert.NotNull(roundTrip);
                Assert.True(roundTrip < TimeSpan.FromSeconds(1), roundTrip.ToString());
                Assert.NotNull(relay.SmoothedRoundTrip);
            }

            // One leaves: the others are told, with reason 1 (LEAVE).
            var leaver = relays[3];
            leaver.Leave();
            Assert.Equal(RelayState.Left, leaver.State);
            var leftEvent = await relays[0].NextEventAsync().AsTask().WaitAsync(Patience);
            Assert.Equal(RelayEventKind.MemberLeft, leftEvent.Kind);
            Assert.Equal(leaver.Slot, leftEvent.Slot);
            Assert.Equal(1, leftEvent.Reason);
            Assert.Equal(slotOf[leaver.Slot], leftEvent.PlayerId);
            Assert.DoesNotContain(relays[0].Members, m => m.Slot == leaver.Slot);

            // Rejoining with the same token while it is valid gets the seat back.
            using var back = await RelayClient.JoinAsync(assignments[3]);
            Assert.Equal(leaver.Slot, back.Slot);
            var rejoinedEvent = await relays[0].NextEventAsync().AsTask().WaitAsync(Patience);
            Assert.Equal(new RelayEvent(RelayEventKind.MemberJoined, leaver.Slot, slotOf[leaver.Slot], 0, 0), rejoinedEvent);
        }
        finally
        {
            foreach (var relay in relays)
            {
                relay.Dispose();
            }

            foreach (var player in players)
            {
                player.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_token_for_another_session_or_a_forged_one_gets_no_seat()
    {
        var title = await backend.CreateTitleAsync();
        await backend.AdminAsync(title, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""");
        using var a = backend.NewClient(title);
        using var b = backend.NewClient(title);
        await a.Auth.SignInWithDeviceAsync("relay-forged-" + Guid.NewGuid().ToString("N"));
        await b.Auth.SignInWithDeviceAsync("relay-forged-" + Guid.NewGuid().ToString("N"));
        var ticket = await a.Matchmaking.CreateTicketAsync("duel");
        await b.Matchmaking.CreateTicketAsync("duel");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var assignment = (await a.Matchmaking.WaitForMatchAsync(ticket, timeout.Token)).Assignment!;

        // One flipped bit of the signature: the relay stays silent (no answer to the unauthenticated), so the join gives up.
        var forged = System.Buffers.Text.Base64Url.DecodeFromChars(assignment.Seats[0].JoinToken);
        forged[^1] ^= 1;
        var options = new RelayClientOptions { JoinAttempts = 4, JoinRetryInterval = TimeSpan.FromMilliseconds(100) };
        var e = await Assert.ThrowsAsync<RelayJoinException>(() => RelayClient.JoinAsync(new IPEndPoint(IPAddress.Loopback, backend.RelayPort), forged, options));
        Assert.Equal(RelayRefusal.None, e.Refusal);

        // The genuine token still joins.
        using var relay = await RelayClient.JoinAsync(assignment);
        Assert.Equal(assignment.Seats[0].Slot, relay.Slot);
    }
}
