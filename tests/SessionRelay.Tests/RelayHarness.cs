using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using GameBackend.Core.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace GameBackend.SessionRelay.Tests;

/// <summary>A relay on 127.0.0.1 (ephemeral port) with one title and one key, plus token minting.</summary>
internal sealed class RelayHarness : IDisposable
{
    public const string KeyId = "testkey1";

    public RelayHarness(Action<RelayOptions>? configure = null)
    {
        TitleId = NewId();
        Secret = RandomNumberGenerator.GetBytes(32);
        Options = new RelayOptions
        {
            Endpoint = "127.0.0.1:0",
            IdleTimeoutSeconds = 10,
            MaxSessions = 256,
            MaxMembers = 1024,
            MemberPacketsPerSecond = 0,
            MemberBytesPerSecond = 0,

            // Every test client sends from 127.0.0.1; the tests of the per-address JOIN cap turn it on.
            JoinsPerSecondPerAddress = 0,
            DrainSeconds = 30,
            DrainAcceptSeconds = 0,
            SocketBufferBytes = 4 << 20,
        };
        configure?.Invoke(Options);
        Keys = new RelayKeyRing();
        Keys.SetKeys(Id(TitleId), [new RelayKey(KeyId, Secret)]);
        Relay = new UdpRelay(Options, Keys, TimeProvider.System, NullLogger<UdpRelay>.Instance);
        Relay.Start();
    }

    public string TitleId { get; }

    public byte[] Secret { get; }

    public RelayOptions Options { get; }

    public RelayKeyRing Keys { get; }

    public UdpRelay Relay { get; }

    public IPEndPoint Endpoint => Relay.LocalEndpoint;

    public RelayMetrics Metrics => Relay.Metrics;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static UInt128 Id(string id) => UInt128.Parse(id, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public byte[] Token(string sessionId, string playerId, int slot, TimeSpan? validFor = null, string? titleId = null, byte[]? secret = null, string keyId = KeyId) =>
        JoinToken.Create(
            new JoinGrant(titleId ?? TitleId, sessionId, playerId, slot, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromMinutes(10))),
            keyId,
            secret ?? Secret);

    public RelayTestClient Client(IPAddress? from = null) => new(Endpoint, from);

    /// <summary>Waits until a condition on the relay holds (its loop runs on another thread).</summary>
    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }

            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        Relay.StopAsync().Wait(TimeSpan.FromSeconds(5));
        Relay.Dispose();
    }
}

/// <summary>A game client speaking protocol v1 from its own UDP socket; records the largest datagram it sent.</summary>
internal sealed class RelayTestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _relay;
    private readonly byte[] _receive = new byte[2048];

    public RelayTestClient(IPEndPoint relay, IPAddress? from = null)
    {
        _relay = relay;
        _socket = new Socket(relay.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(from ?? (relay.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback), 0));
    }

    public IPEndPoint LocalEndpoint => (IPEndPoint)_socket.LocalEndPoint!;

    public byte[] ConnectionId { get; private set; } = new byte[8];

    public int Slot { get; private set; } = -1;

    public Socket Socket => _socket;

    public void Send(ReadOnlySpan<byte> datagram) => _socket.SendTo(datagram, SocketFlags.None, _relay);

    /// <summary>The next datagram from the relay, or null after the timeout. Datagrams from anyone else fail the test.</summary>
    public byte[]? Receive(int timeoutMs = 3000)
    {
        if (!_socket.Poll(timeoutMs * 1000, SelectMode.SelectRead))
        {
            return null;
        }

        EndPoint from = new IPEndPoint(_relay.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var length = _socket.ReceiveFrom(_receive, ref from);
        Assert.Equal(_relay, from);
        return _receive.AsSpan(0, length).ToArray();
    }

    /// <summary>The next datagram of one type, skipping notices of other types.</summary>
    public byte[]? ReceiveType(byte type, int timeoutMs = 3000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            var datagram = Receive((int)Math.Max(1, deadline - Environment.TickCount64));
            if (datagram is null)
            {
                return null;
            }

            if (datagram[3] == type)
            {
                return datagram;
            }
        }

        return null;
    }

    /// <summary>Everything that arrives within the window.</summary>
    public List<byte[]> Drain(int windowMs = 200)
    {
        var all = new List<byte[]>();
        while (Receive(windowMs) is { } datagram)
        {
            all.Add(datagram);
        }

        return all;
    }

    public static byte[] JoinDatagram(byte[] token, int length = RelayProtocol.JoinLength)
    {
        var datagram = new byte[length];
        RelayProtocol.WriteHeader(datagram, RelayProtocol.Join);
        token.CopyTo(datagram, RelayProtocol.JoinTokenOffset);
        return datagram;
    }

    /// <summary>Sends JOIN and returns the answer (JOINED or REFUSED), or null when the relay stays silent.</summary>
    public byte[]? Join(byte[] token, int timeoutMs = 3000)
    {
        Send(JoinDatagram(token));
        var answer = ReceiveAnswer(timeoutMs);
        if (answer is not null && answer[3] == RelayProtocol.Joined)
        {
            ConnectionId = answer.AsSpan(4, 8).ToArray();
            Slot = answer[12];
        }

        return answer;
    }

    public byte[] JoinOrFail(byte[] token)
    {
        var answer = Join(token) ?? throw new InvalidOperationException("No answer to JOIN.");
        Assert.Equal(RelayProtocol.Joined, answer[3]);
        return answer;
    }

    public byte[] DataDatagram(byte target, ReadOnlySpan<byte> payload, byte[]? connectionId = null)
    {
        var datagram = new byte[RelayProtocol.DataHeaderLength + payload.Length];
        RelayProtocol.WriteHeader(datagram, RelayProtocol.Data);
        (connectionId ?? ConnectionId).CopyTo(datagram, 4);
        datagram[12] = target;
        payload.CopyTo(datagram.AsSpan(RelayProtocol.DataHeaderLength));
        return datagram;
    }

    public void SendData(byte target, ReadOnlySpan<byte> payload) => Send(DataDatagram(target, payload));

    public byte[] PingDatagram(long value)
    {
        var datagram = new byte[RelayProtocol.PingLength];
        RelayProtocol.WriteHeader(datagram, RelayProtocol.Ping);
        ConnectionId.CopyTo(datagram, 4);
        BinaryPrimitives.WriteInt64BigEndian(datagram.AsSpan(12), value);
        return datagram;
    }

    public void Leave()
    {
        var datagram = new byte[RelayProtocol.LeaveLength];
        RelayProtocol.WriteHeader(datagram, RelayProtocol.Leave);
        ConnectionId.CopyTo(datagram, 4);
        Send(datagram);
    }

    public void Dispose() => _socket.Dispose();

    private byte[]? ReceiveAnswer(int timeoutMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            var datagram = Receive((int)Math.Max(1, deadline - Environment.TickCount64));
            if (datagram is null)
            {
                return null;
            }

            if (datagram[3] is RelayProtocol.Joined or RelayProtocol.Refused)
            {
                return datagram;
            }
        }

        return null;
    }
}
