using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace GameBackend.Client.Tests.Relay;

/// <summary>
/// A scripted relay on 127.0.0.1 for checking the client's bytes against docs/relay-protocol.md exactly: the test
/// reads what the client sent and answers with datagrams it builds by hand from the document's tables.
/// </summary>
internal sealed class FakeRelay : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    /// <summary>Where the client sends from (known after its first datagram).</summary>
    public IPEndPoint? Client { get; private set; }

    public static byte[] Token(byte slot = 3)
    {
        var token = new byte[98];
        token[0] = 1;
        "key00001"u8.CopyTo(token.AsSpan(1));
        Random.Shared.NextBytes(token.AsSpan(9, 48));
        token[57] = slot;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(58), DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        Random.Shared.NextBytes(token.AsSpan(66));
        return token;
    }

    public static byte[] Header(byte type, int length)
    {
        var datagram = new byte[length];
        datagram[0] = 0x47;
        datagram[1] = 0x52;
        datagram[2] = 1;
        datagram[3] = type;
        return datagram;
    }

    public static byte[] Joined(long connectionId, byte slot, ushort idleSeconds, params (byte Slot, byte[] PlayerId)[] others)
    {
        var datagram = Header(0x81, 22 + (17 * others.Length));
        BinaryPrimitives.WriteInt64BigEndian(datagram.AsSpan(4), connectionId);
        datagram[12] = slot;
        datagram[13] = (byte)others.Length;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(14), idleSeconds);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(16), 100);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(18), 50_000);
        for (var i = 0; i < others.Length; i++)
        {
            datagram[22 + (17 * i)] = others[i].Slot;
            others[i].PlayerId.CopyTo(datagram.AsSpan(23 + (17 * i)));
        }

        return datagram;
    }

    public async Task<byte[]> ReceiveAsync(int timeoutMs = 2000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var result = await _udp.ReceiveAsync(timeout.Token);
        Client = result.RemoteEndPoint;
        return result.Buffer;
    }

    /// <summary>The next datagram of <paramref name="type"/>, skipping others (keep-alive pings, JOIN retries).</summary>
    public async Task<byte[]> ReceiveTypeAsync(byte type, int timeoutMs = 2000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var left = (int)Math.Max(1, deadline - Environment.TickCount64);
            var datagram = await ReceiveAsync(left);
            if (datagram.Length >= 4 && datagram[3] == type)
            {
                return datagram;
            }
        }
    }

    public Task SendAsync(byte[] datagram) => _udp.SendAsync(datagram, datagram.Length, Client!);

    public void Dispose() => _udp.Dispose();
}
