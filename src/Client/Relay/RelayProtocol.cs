using System;
using System.Buffers.Binary;

namespace GameBackend.Client.Relay;

/// <summary>
/// The wire format of docs/relay-protocol.md (version 1), client side. Every datagram starts with "GR", the
/// version and a type; integers are big-endian; every datagram is at most 1200 bytes.
/// </summary>
internal static class RelayProtocol
{
    public const byte Magic0 = 0x47; // 'G'
    public const byte Magic1 = 0x52; // 'R'
    public const byte Version = 1;
    public const int HeaderLength = 4;
    public const int MaxDatagram = 1200;
    public const int JoinTokenLength = 98;
    public const int ConnectionIdLength = 8;
    public const int MaxSlots = 64;

    // client → relay
    public const byte Join = 0x01;
    public const byte Data = 0x02;
    public const byte Ping = 0x03;
    public const byte Leave = 0x04;

    // relay → client
    public const byte Joined = 0x81;
    public const byte Refused = 0x82;
    public const byte Deliver = 0x83;
    public const byte Pong = 0x84;
    public const byte MemberJoined = 0x85;
    public const byte MemberLeft = 0x86;
    public const byte Closing = 0x87;

    public const int JoinLength = MaxDatagram;
    public const int DataHeaderLength = 13;
    public const int PingLength = 20;
    public const int LeaveLength = 12;
    public const int JoinedFixedLength = 22;
    public const int JoinedMemberLength = 17;
    public const int RefusedLength = 5;
    public const int DeliverHeaderLength = 5;
    public const int PongLength = 12;
    public const int MemberJoinedLength = 21;
    public const int MemberLeftLength = 6;
    public const int ClosingLength = 7;

    /// <summary>The largest payload one DATA carries (1200 − 13).</summary>
    public const int MaxPayload = MaxDatagram - DataHeaderLength;

    /// <summary>The DATA target meaning "every other member".</summary>
    public const byte AllMembers = 0xFF;

    public static void WriteHeader(Span<byte> datagram, byte type)
    {
        datagram[0] = Magic0;
        datagram[1] = Magic1;
        datagram[2] = Version;
        datagram[3] = type;
    }

    /// <summary>The datagram's type, or 0 when it is not a version-1 datagram of this protocol.</summary>
    public static byte TypeOf(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] == Magic0 && datagram[1] == Magic1 && datagram[2] == Version ? datagram[3] : (byte)0;

    /// <summary>The 1200-byte JOIN: header, token, zero padding (so the JOINED answer never outgrows the request).</summary>
    public static byte[] CreateJoin(ReadOnlySpan<byte> joinToken)
    {
        var join = new byte[JoinLength];
        WriteHeader(join, Join);
        joinToken.CopyTo(join.AsSpan(HeaderLength));
        return join;
    }

    public static void WriteConnectionId(Span<byte> destination, long connectionId) => BinaryPrimitives.WriteInt64BigEndian(destination, connectionId);

    public static long ReadConnectionId(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);

    /// <summary>A 16-byte id as the backend writes ids: 32 lowercase hex digits.</summary>
    public static string FormatId(ReadOnlySpan<byte> id)
    {
        const string Digits = "0123456789abcdef";
        Span<char> text = stackalloc char[32];
        for (var i = 0; i < 16; i++)
        {
            text[2 * i] = Digits[id[i] >> 4];
            text[(2 * i) + 1] = Digits[id[i] & 0xF];
        }

        return text.ToString();
    }
}
