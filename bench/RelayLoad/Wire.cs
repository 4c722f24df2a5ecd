using System.Buffers.Binary;

namespace RelayLoad;

/// <summary>Which relay is under test: ours speaks protocol v1; the C baseline takes an 8-byte session id before the payload.</summary>
internal enum RelayKind
{
    Ours,
    Baseline,
}

/// <summary>
/// The two framings of one workload. The generator's 100-byte payload is the same for both:
/// sender index (4), sequence (4), send timestamp in Stopwatch ticks (8), measured flag (1), zeros.
/// </summary>
internal static class Wire
{
    public const int PayloadLength = 100;
    public const int JoinLength = 1200;

    // docs/relay-protocol.md
    private const byte Magic0 = 0x47;
    private const byte Magic1 = 0x52;
    private const byte Version = 1;
    private const byte Join = 0x01;
    private const byte Data = 0x02;
    private const byte Joined = 0x81;
    private const byte Deliver = 0x83;
    private const byte AllMembers = 0xFF;

    public static int PrefixLength(RelayKind kind) => kind == RelayKind.Ours ? 13 : 8;

    public static int DatagramLength(RelayKind kind) => PrefixLength(kind) + PayloadLength;

    /// <summary>Writes the framing in front of the payload: DATA to every other member, or the baseline's session id.</summary>
    public static void WritePrefix(RelayKind kind, Member member, Span<byte> datagram)
    {
        if (kind == RelayKind.Ours)
        {
            datagram[0] = Magic0;
            datagram[1] = Magic1;
            datagram[2] = Version;
            datagram[3] = Data;
            BinaryPrimitives.WriteUInt64BigEndian(datagram.Slice(4, 8), member.ConnectionId);
            datagram[12] = AllMembers;
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(datagram[..8], member.BaselineSessionKey);
        }
    }

    public static void WritePayload(Span<byte> payload, int sender, int sequence, long timestamp, bool measured)
    {
        BinaryPrimitives.WriteInt32LittleEndian(payload, sender);
        BinaryPrimitives.WriteInt32LittleEndian(payload[4..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], timestamp);
        payload[16] = measured ? (byte)1 : (byte)0;
    }

    /// <summary>The generator's payload inside a datagram the relay delivered, or empty for anything else (notices, JOINED).</summary>
    public static ReadOnlySpan<byte> DeliveredPayload(RelayKind kind, ReadOnlySpan<byte> datagram)
    {
        if (kind == RelayKind.Ours)
        {
            return datagram.Length == 5 + PayloadLength && datagram[0] == Magic0 && datagram[3] == Deliver ? datagram[5..] : default;
        }

        return datagram.Length == 8 + PayloadLength ? datagram[8..] : default;
    }

    public static bool IsMeasured(ReadOnlySpan<byte> payload) => payload[16] == 1;

    public static long Timestamp(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);

    public static int Sender(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt32LittleEndian(payload);

    public static void WriteJoin(Span<byte> datagram, ReadOnlySpan<byte> token)
    {
        datagram[..JoinLength].Clear();
        datagram[0] = Magic0;
        datagram[1] = Magic1;
        datagram[2] = Version;
        datagram[3] = Join;
        token.CopyTo(datagram[4..]);
    }

    /// <summary>The connection id from a JOINED, or 0 when the datagram is not one.</summary>
    public static ulong JoinedConnectionId(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 22 && datagram[0] == Magic0 && datagram[3] == Joined ? BinaryPrimitives.ReadUInt64BigEndian(datagram.Slice(4, 8)) : 0;
}
