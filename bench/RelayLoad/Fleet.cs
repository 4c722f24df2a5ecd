using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GameBackend.Core.Sessions;

namespace RelayLoad;

/// <summary>One simulated player: its own UDP socket (the source endpoint is part of a member's identity), connected to the relay.</summary>
internal sealed class Member(int index, int session, int slot, Socket socket)
{
    public int Index { get; } = index;

    public int Session { get; } = session;

    public int Slot { get; } = slot;

    public Socket Socket { get; } = socket;

    public int Fd { get; } = (int)socket.SafeHandle.DangerousGetHandle();

    public ulong ConnectionId { get; set; }

    public ulong BaselineSessionKey { get; set; }
}

/// <summary>What the generator shares with our relay: the title it serves and one of that title's relay keys.</summary>
internal sealed record RelayKey(string TitleId, string KeyId, byte[] Secret);

/// <summary>Members in sessions of a fixed size, made and joined (protocol v1: JOIN with a signed token; baseline: a first datagram).</summary>
internal sealed unsafe partial class Fleet : IDisposable
{
    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;

    private Fleet(RelayKind kind, Member[] members, int sessionSize)
    {
        Kind = kind;
        Members = members;
        SessionSize = sessionSize;
    }

    public RelayKind Kind { get; }

    public Member[] Members { get; }

    public int SessionSize { get; }

    public static Fleet Join(RelayKind kind, IPEndPoint relay, int memberCount, int sessionSize, int receiveBufferBytes, RelayKey key)
    {
        var runSalt = RandomNumberGenerator.GetBytes(8);
        var members = new Member[memberCount];
        for (var i = 0; i < memberCount; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var size = receiveBufferBytes;
            _ = setsockopt((int)socket.SafeHandle.DangerousGetHandle(), SolSocket, SoRcvBufForce, &size, sizeof(int));
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Connect(relay);
            members[i] = new Member(i, i / sessionSize, i % sessionSize, socket)
            {
                BaselineSessionKey = BitConverter.ToUInt64(runSalt) ^ (ulong)(i / sessionSize),
            };
        }

        var fleet = new Fleet(kind, members, sessionSize);
        if (kind == RelayKind.Ours)
        {
            fleet.JoinWithTokens(key, runSalt);
        }
        else
        {
            fleet.Introduce();
        }

        fleet.Drain();
        return fleet;
    }

    /// <summary>Empties every member's receive queue (member notices, hellos).</summary>
    public void Drain()
    {
        using var batch = new DatagramBatch(64);
        foreach (var member in Members)
        {
            while (batch.ReceiveNow(member.Fd) > 0)
            {
            }
        }
    }

    public void Dispose()
    {
        foreach (var member in Members)
        {
            member.Socket.Dispose();
        }
    }

    private void JoinWithTokens(RelayKey key, byte[] runSalt)
    {
        var salt = Convert.ToHexStringLower(runSalt);
        var expires = DateTimeOffset.UtcNow.AddHours(2);
        var tokens = new byte[Members.Length][];
        foreach (var m in Members)
        {
            var session = salt + m.Session.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            var player = salt + m.Index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            tokens[m.Index] = JoinToken.Create(new JoinGrant(key.TitleId, session, player, m.Slot, expires), key.KeyId, key.Secret);
        }

        var join = new byte[Wire.JoinLength];
        using var batch = new DatagramBatch(64);
        var pending = Members.ToList();
        var deadline = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"{pending.Count} of {Members.Length} members got no JOINED within 30 s (is the relay up, and does it hold key {key.KeyId} for title {key.TitleId}?).");
            }

            // Joins go in chunks so the relay's receive queue never overflows with 1200-byte datagrams.
            for (var start = 0; start < pending.Count; start += 256)
            {
                var chunk = pending.Skip(start).Take(256).ToList();
                foreach (var m in chunk)
                {
                    Wire.WriteJoin(join, tokens[m.Index]);
                    m.Socket.Send(join);
                }

                var waited = Stopwatch.StartNew();
                while (waited.ElapsedMilliseconds < 250 && chunk.Any(m => m.ConnectionId == 0))
                {
                    foreach (var m in chunk.Where(m => m.ConnectionId == 0))
                    {
                        var n = batch.ReceiveNow(m.Fd);
                        for (var i = 0; i < n; i++)
                        {
                            var id = Wire.JoinedConnectionId(batch.Received(i));
                            if (id != 0)
                            {
                                m.ConnectionId = id;
                            }
                        }
                    }

                    Thread.Sleep(1);
                }
            }

            pending = pending.Where(m => m.ConnectionId == 0).ToList();
        }
    }

    private void Introduce()
    {
        var hello = new byte[Wire.DatagramLength(RelayKind.Baseline)];
        foreach (var m in Members)
        {
            Wire.WritePrefix(RelayKind.Baseline, m, hello);
            Wire.WritePayload(hello.AsSpan(8), m.Index, -1, 0, measured: false);
            m.Socket.Send(hello);
            if (m.Index % 256 == 255)
            {
                Thread.Sleep(5);
            }
        }

        Thread.Sleep(200);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);
}
