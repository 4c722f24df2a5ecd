namespace GameBackend.SessionRelay;

/// <summary>
/// The wire constants of relay protocol v1 (docs/relay-protocol.md). Kept in one place so the relay, its tests and
/// the document cannot drift apart silently: the tests build datagrams from these, the document states them.
/// </summary>
public static class RelayProtocol
{
    /// <summary>The largest datagram either side sends: fits the IPv6 minimum MTU after IP and UDP headers.</summary>
    public const int MaxDatagram = 1200;

    public const byte Magic0 = 0x47; // 'G'
    public const byte Magic1 = 0x52; // 'R'
    public const byte Version = 1;
    public const int HeaderLength = 4;
    public const int ConnectionIdLength = 8;

    /// <summary>Slots 0–63: a session holds at most 64 members, so a slot set is one 64-bit mask.</summary>
    public const int MaxSlots = 64;

    /// <summary>The DATA target that means "every other member".</summary>
    public const byte AllMembers = 0xFF;

    public const byte Join = 0x01;
    public const byte Data = 0x02;
    public const byte Ping = 0x03;
    public const byte Leave = 0x04;

    public const byte Joined = 0x81;
    public const byte Refused = 0x82;
    public const byte Deliver = 0x83;
    public const byte Pong = 0x84;
    public const byte MemberJoined = 0x85;
    public const byte MemberLeft = 0x86;
    public const byte Closing = 0x87;

    /// <summary>JOIN is padded to the maximum so its answer (JOINED, at most <see cref="MaxJoinedLength"/>) always fits inside it.</summary>
    public const int JoinLength = MaxDatagram;
    public const int JoinTokenOffset = HeaderLength;
    public const int DataHeaderLength = HeaderLength + ConnectionIdLength + 1;
    public const int MaxPayload = MaxDatagram - DataHeaderLength;
    public const int DeliverHeaderLength = HeaderLength + 1;
    public const int PingLength = HeaderLength + ConnectionIdLength + 8;
    public const int PongLength = HeaderLength + 8;
    public const int LeaveLength = HeaderLength + ConnectionIdLength;
    public const int JoinedFixedLength = 22;
    public const int JoinedMemberLength = 17;
    public const int MaxJoinedLength = JoinedFixedLength + (JoinedMemberLength * (MaxSlots - 1));
    public const int RefusedLength = 5;
    public const int MemberJoinedLength = 21;
    public const int MemberLeftLength = 6;
    public const int ClosingLength = 7;

    /// <summary>DELIVER is the DATA datagram from this offset on, rewritten in place.</summary>
    public const int DeliverOffsetInData = ConnectionIdLength;

    /// <summary>PONG is the PING datagram from this offset on, rewritten in place.</summary>
    public const int PongOffsetInPing = ConnectionIdLength;

    /// <summary>Writes the 4-byte header.</summary>
    public static void WriteHeader(Span<byte> destination, byte type)
    {
        destination[3] = type;
        destination[2] = Version;
        destination[1] = Magic1;
        destination[0] = Magic0;
    }

    /// <summary>True when the datagram starts with the v1 magic and version.</summary>
    public static bool HasHeader(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] == Magic0 && datagram[1] == Magic1 && datagram[2] == Version;
}

/// <summary>Why an authentic JOIN was refused (the REFUSED reason byte).</summary>
public enum RefusalReason : byte
{
    Expired = 1,
    SlotTaken = 2,
    SlotInUse = 3,
    Draining = 4,
    Full = 5,
    BadSlot = 6,
}

/// <summary>Why a member left (the MEMBER_LEFT reason byte).</summary>
public enum MemberLeftReason : byte
{
    Left = 1,
    TimedOut = 2,
    Removed = 3,
}

/// <summary>Why a session is closing (the CLOSING reason byte).</summary>
public enum ClosingReason : byte
{
    Draining = 1,
    Expired = 2,
}

/// <summary>Why a datagram was dropped unanswered; one counter each in /metrics.</summary>
public enum DropReason
{
    /// <summary>Bad magic, version, type or length for its type.</summary>
    Malformed,

    /// <summary>A JOIN whose token names a title or key id this relay does not hold.</summary>
    UnknownKey,

    /// <summary>A JOIN whose token's HMAC does not verify.</summary>
    BadSignature,

    /// <summary>An authentic token naming a session that belongs to another title.</summary>
    TitleMismatch,

    /// <summary>A connection id no live member holds.</summary>
    UnknownConnection,

    /// <summary>A live member's connection id from another source endpoint.</summary>
    WrongEndpoint,

    /// <summary>Over the member's datagrams/s or bytes/s cap.</summary>
    RateLimited,

    /// <summary>DATA to an empty slot, the sender's own slot, or a slot out of range.</summary>
    NoSuchTarget,

    /// <summary>A JOIN over its source address's JOINs-per-second cap (checked before the HMAC).</summary>
    JoinRateLimited,
}
