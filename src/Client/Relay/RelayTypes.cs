using System;

namespace GameBackend.Client.Relay;

/// <summary>Where a relay client stands.</summary>
public enum RelayState
{
    /// <summary>JOIN sent, no answer yet.</summary>
    Joining,

    /// <summary>In the session: sending and receiving.</summary>
    Joined,

    /// <summary>Nothing heard from the relay for its idle timeout; the client keeps re-sending JOIN with its token.</summary>
    Lost,

    /// <summary>The relay refused a rejoin for good (token expired, relay draining, …) or closed the session.</summary>
    Closed,

    /// <summary>The game left (or disposed the client).</summary>
    Left,
}

/// <summary>Why a relay refused an authentic JOIN (docs/relay-protocol.md, REFUSED).</summary>
public enum RelayRefusal
{
    None = 0,

    /// <summary>The join token has expired: get a fresh assignment from the backend.</summary>
    Expired = 1,

    /// <summary>Another player holds the slot: a backend error; report it.</summary>
    SlotTaken = 2,

    /// <summary>This player's slot is live from another endpoint: wait for the relay's idle timeout, then retry.</summary>
    SlotInUse = 3,

    /// <summary>The relay is shutting down and takes no new sessions: get a new assignment.</summary>
    Draining = 4,

    /// <summary>The relay is at capacity: retry later or get a new assignment.</summary>
    Full = 5,

    /// <summary>The token's slot is 64 or more: a backend error.</summary>
    BadSlot = 6,
}

/// <summary>What happened in the session, for the game to react to (members coming and going, the relay closing, losing it).</summary>
public enum RelayEventKind
{
    /// <summary>A member took <see cref="RelayEvent.Slot"/> (<see cref="RelayEvent.PlayerId"/>).</summary>
    MemberJoined,

    /// <summary>A member left <see cref="RelayEvent.Slot"/>; <see cref="RelayEvent.Reason"/>: 1 left, 2 timed out, 3 removed.</summary>
    MemberLeft,

    /// <summary>The relay is closing the session in <see cref="RelayEvent.SecondsLeft"/>; <see cref="RelayEvent.Reason"/>: 1 draining, 2 maximum duration.</summary>
    Closing,

    /// <summary>Nothing heard from the relay for its idle timeout; the client is trying to rejoin.</summary>
    Lost,

    /// <summary>Back in the session after <see cref="Lost"/> (a new connection id; the member list was re-read).</summary>
    Rejoined,

    /// <summary>A rejoin was refused; <see cref="RelayEvent.Reason"/> is the <see cref="RelayRefusal"/>.</summary>
    RejoinRefused,
}

/// <summary>One session event. A value type, so polling events in a game loop allocates nothing but a joiner's id.</summary>
public readonly struct RelayEvent : IEquatable<RelayEvent>
{
    public RelayEvent(RelayEventKind kind, int slot, string? playerId, int reason, int secondsLeft)
    {
        Kind = kind;
        Slot = slot;
        PlayerId = playerId;
        Reason = reason;
        SecondsLeft = secondsLeft;
    }

    public RelayEventKind Kind { get; }

    /// <summary>The member's slot (member events), else −1.</summary>
    public int Slot { get; }

    /// <summary>The member's player id (<see cref="RelayEventKind.MemberJoined"/>, and MemberLeft when known).</summary>
    public string? PlayerId { get; }

    public int Reason { get; }

    public int SecondsLeft { get; }

    public static bool operator ==(RelayEvent left, RelayEvent right) => left.Equals(right);

    public static bool operator !=(RelayEvent left, RelayEvent right) => !left.Equals(right);

    public bool Equals(RelayEvent other) =>
        Kind == other.Kind && Slot == other.Slot && PlayerId == other.PlayerId && Reason == other.Reason && SecondsLeft == other.SecondsLeft;

    public override bool Equals(object? obj) => obj is RelayEvent other && Equals(other);

    public override int GetHashCode() => ((int)Kind * 397) ^ (Slot * 31) ^ Reason ^ (SecondsLeft << 8);

    public override string ToString() => $"{Kind} slot={Slot} player={PlayerId} reason={Reason} secondsLeft={SecondsLeft}";
}

/// <summary>A received payload: who sent it and how many bytes were copied into the caller's buffer.</summary>
public readonly struct RelayDelivery : IEquatable<RelayDelivery>
{
    public RelayDelivery(int fromSlot, int length)
    {
        FromSlot = fromSlot;
        Length = length;
    }

    public int FromSlot { get; }

    public int Length { get; }

    public static bool operator ==(RelayDelivery left, RelayDelivery right) => left.Equals(right);

    public static bool operator !=(RelayDelivery left, RelayDelivery right) => !left.Equals(right);

    public bool Equals(RelayDelivery other) => FromSlot == other.FromSlot && Length == other.Length;

    public override bool Equals(object? obj) => obj is RelayDelivery other && Equals(other);

    public override int GetHashCode() => (FromSlot * 8191) ^ Length;
}

/// <summary>Another member of the session.</summary>
public sealed record RelayMember(int Slot, string PlayerId);

/// <summary>Counters of one relay client, for a debug overlay or a test.</summary>
public sealed record RelayStatistics(
    long DatagramsSent,
    long DatagramsReceived,
    long DeliveriesReceived,
    long DeliveriesDropped,
    long DatagramsIgnored,
    TimeSpan? LastRoundTrip,
    TimeSpan? SmoothedRoundTrip);

/// <summary>
/// A JOIN that did not get the client in: the relay refused it (<see cref="Refusal"/>), or nothing answered within
/// the retries (<see cref="Refusal"/> is <see cref="RelayRefusal.None"/>: the relay is unreachable, or does not
/// speak this version, or does not know the title's key yet).
/// </summary>
public sealed class RelayJoinException : Exception
{
    public RelayJoinException()
    {
    }

    public RelayJoinException(string message)
        : base(message)
    {
    }

    public RelayJoinException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RelayJoinException(RelayRefusal refusal, string message)
        : base(message)
    {
        Refusal = refusal;
    }

    public RelayRefusal Refusal { get; }
}
