using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace GameBackend.SessionRelay.Tests;

/// <summary>
/// A million random and mutated datagrams at a running relay with a live session listening: the relay must survive,
/// forward nothing to the session's members, answer nothing larger than what it got, and allocate nothing per datagram.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Total = 1_010_000;
    private const int Senders = 4;

    [Fact]
    public async Task A_million_random_and_mutated_datagrams_forward_nothing_and_allocate_nothing()
    {
        using var relay = new RelayHarness(o =>
        {
            o.MemberPacketsPerSecond = 0;
            o.IdleTimeoutSeconds = 600; // the members stay silent while the fuzz runs; a timeout notice is not a forward
            o.SocketBufferBytes = 8 << 20;
        });
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        var tokenA = relay.Token(session, RelayHarness.NewId(), 0);
        a.JoinOrFail(tokenA);
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(50);

        // Seeds the fuzzers mutate: every valid client datagram, with the members' real connection ids.
        var seeds = new List<byte[]>
        {
            RelayTestClient.JoinDatagram(tokenA),
            // Authentic but expired: the only untaken slot must stay untaken, so no seed may carry a live token for it.
            RelayTestClient.JoinDatagram(relay.Token(session, RelayHarness.NewId(), 2, validFor: TimeSpan.FromSeconds(-1))),
            a.DataDatagram(RelayProtocol.AllMembers, new byte[64]),
            b.DataDatagram(0, new byte[100]),
            a.PingDatagram(1),
            b.PingDatagram(2),
        };
        var leave = new byte[RelayProtocol.LeaveLength];
        RelayProtocol.WriteHeader(leave, RelayProtocol.Leave);
        a.ConnectionId.CopyTo(leave, 4);
        seeds.Add(leave);

        // Warm up (JIT, dictionaries) before measuring the loop's allocations.
        await RelayHarness.Eventually(() => relay.Metrics.LoopAllocatedBytes > 0, "the first timer pass");
        var sessionsBefore = relay.Metrics.SessionsStarted;
        var forwardedToMembers = 0L;
        var memberListening = new CancellationTokenSource();
        var listeners = new[] { a, b }.Select(m => Task.Run(() =>
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!memberListening.IsCancellationRequested)
            {
                if (m.Socket.Poll(50_000, SelectMode.SelectRead))
                {
                    m.Socket.ReceiveFrom(buffer, ref from);
                    Interlocked.Increment(ref forwardedToMembers);
                }
            }
        })).ToArray();

        var inBefore = relay.Metrics.PacketsIn;
        var allocatedBefore = relay.Metrics.LoopAllocatedBytes;
        var largestAnswerOverRequest = 0;
        var sentTotal = 0L;
        var fuzzers = Enumerable.Range(0, Senders).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var target = relay.Endpoint;
            var datagram = new byte[1400];
            var answer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            var worst = int.MinValue;
            for (var i = 0; i < Total / Senders; i++)
            {
                var length = Mutate(random, seeds, datagram);
                socket.SendTo(datagram.AsSpan(0, length), SocketFlags.None, target);
                while (socket.Available > 0)
                {
                    // Whatever comes back answers a mutated JOIN (REFUSED, say): never larger than the largest request.
                    var got = socket.ReceiveFrom(answer, ref from);
                    worst = Math.Max(worst, got - RelayProtocol.JoinLength);
                }

                var sent = Interlocked.Increment(ref sentTotal);
                if ((i & 255) == 0)
                {
                    // Let the relay keep up (a few thousand datagrams in flight) rather than measure the kernel's drops.
                    while (relay.Metrics.PacketsIn < inBefore + sent - 4096)
                    {
                        Thread.Yield();
                    }
                }
            }

            return worst;
        })).ToArray();
        foreach (var worst in await Task.WhenAll(fuzzers))
        {
            largestAnswerOverRequest = Math.Max(largestAnswerOverRequest, worst);
        }

        await RelayHarness.Eventually(() => relay.Metrics.PacketsIn >= inBefore + (Total * 99L / 100), "the relay read at least 99% of the fuzz", 20_000);
        await Task.Delay(300);
        await memberListening.CancelAsync();
        await Task.WhenAll(listeners);

        Assert.True(relay.Relay.IsRunning);
        Assert.Equal(0, Interlocked.Read(ref forwardedToMembers));
        Assert.True(largestAnswerOverRequest <= 0, $"an answer was {largestAnswerOverRequest} bytes larger than a JOIN");
        Assert.Equal(sessionsBefore, relay.Metrics.SessionsStarted);
        Assert.Equal(2, relay.Metrics.Members);

        // The loop thread's own allocation counter: next to nothing (the timer passes), not
        // anything per datagram (a single allocation per datagram would be at least 24 MB here).
        await Task.Delay(250);
        var allocated = relay.Metrics.LoopAllocatedBytes - allocatedBefore;
        output.WriteLine($"read {relay.Metrics.PacketsIn - inBefore} datagrams; loop allocated {allocated} bytes; drops: " + string.Join(", ",
            Enum.GetValues<DropReason>().Select(r => $"{r} {relay.Metrics.Drops(r)}")) + $"; refusals: {string.Join(", ", Enum.GetValues<RefusalReason>().Select(r => $"{r} {relay.Metrics.Refusals(r)}"))}");
        Assert.True(allocated < 100_000, $"the receive loop allocated {allocated} bytes over {Total} datagrams");

        // And the relay still works.
        b.SendData(0, [1]);
        Assert.NotNull(a.ReceiveType(RelayProtocol.Deliver));
    }

    /// <summary>
    /// A random datagram (one in four), a valid one replayed unchanged from the wrong endpoint (one in eight), or a
    /// valid one with a few bytes flipped, cut or extended.
    /// </summary>
    private static int Mutate(Random random, List<byte[]> seeds, byte[] datagram)
    {
        if (random.Next(8) == 0)
        {
            var replayed = seeds[random.Next(seeds.Count)];
            replayed.CopyTo(datagram, 0);
            return replayed.Length;
        }

        if (random.Next(4) == 0)
        {
            var length = random.Next(0, datagram.Length);
            random.NextBytes(datagram.AsSpan(0, length));
            if (random.Next(2) == 0 && length >= 4)
            {
                RelayProtocol.WriteHeader(datagram, (byte)random.Next(0, 6));
            }

            return length;
        }

        var seed = seeds[random.Next(seeds.Count)];
        seed.CopyTo(datagram, 0);
        var size = seed.Length;
        switch (random.Next(4))
        {
            case 0:
                size = random.Next(0, seed.Length + 1);
                break;
            case 1:
                size = Math.Min(datagram.Length, seed.Length + random.Next(1, 40));
                random.NextBytes(datagram.AsSpan(seed.Length, size - seed.Length));
                break;
        }

        // Flip 1–4 bytes of the header, connection id or token (a JOIN's padding is ignored by design).
        var flips = random.Next(1, 5);
        var meaningful = Math.Min(size, seed[3] == RelayProtocol.Join ? RelayProtocol.JoinTokenOffset + Core.Sessions.JoinToken.Length : size);
        for (var f = 0; f < flips && meaningful > 0; f++)
        {
            var at = random.Next(meaningful);
            datagram[at] ^= (byte)random.Next(1, 256);
        }

        return size;
    }
}
