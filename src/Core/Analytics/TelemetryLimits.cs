using System.Collections.Frozen;
using GameBackend.Core.Events;
using GameBackend.Core.Sessions;

namespace GameBackend.Core.Analytics;

/// <summary>
/// The bounds of client telemetry (docs/analytics.md, "Sending events"). They keep one request cheap to validate and
/// one event small on the bus and in the archive, and they stop a client from pushing the rollups' history around:
/// an event older than <see cref="MaxEventAge"/> would land in days that reports already showed, one from the future
/// would count in days that have not happened yet.
/// </summary>
public static class TelemetryLimits
{
    /// <summary>Events in one request, at most; the client SDK splits larger queues into several requests.</summary>
    public const int MaxEventsPerBatch = 500;

    /// <summary>Bytes of one request body, at most (1 MiB): 500 events of the largest size fit twice over.</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Bytes of one event as sent (its JSON object, members and properties together), at most (4 KiB).</summary>
    public const int MaxEventBytes = 4 * 1024;

    /// <summary>An event id: 1–64 characters of [A-Za-z0-9_-] (a UUID in either form fits).</summary>
    public const int MaxIdLength = 64;

    /// <summary>An event name: [a-z] then up to 63 of [a-z0-9_].</summary>
    public const int MaxNameLength = 64;

    /// <summary>A session id: 1–64 characters of [A-Za-z0-9_-].</summary>
    public const int MaxSessionIdLength = 64;

    /// <summary>Members of <c>properties</c>, at most.</summary>
    public const int MaxProperties = 32;

    /// <summary>A property name: 1–64 characters (UTF-16 code units).</summary>
    public const int MaxPropertyKeyLength = 64;

    /// <summary>A string property value: at most 256 characters (UTF-16 code units).</summary>
    public const int MaxStringValueLength = 256;

    /// <summary>How old an event may be: a game offline for a long weekend still delivers, older events are refused.</summary>
    public static readonly TimeSpan MaxEventAge = TimeSpan.FromDays(7);

    /// <summary>How far ahead of the server's clock an event may be (a device's clock runs a little fast).</summary>
    public static readonly TimeSpan MaxEventTimeAhead = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The names only the backend publishes: a client sending one could fake sign-ups, sign-ins, scores, matches,
    /// sessions or concurrent users in the rollups, so they are refused with <c>reserved_event_name</c>.
    /// </summary>
    public static readonly FrozenSet<string> ReservedNames = FrozenSet.Create(
        StringComparer.Ordinal,
        BackendEventNames.MatchFormed,
        BackendEventNames.MatchCompleted,
        BackendEventNames.AccountCreated,
        BackendEventNames.SignedIn,
        BackendEventNames.ScoreSubmitted,
        BackendEventNames.RelayHeartbeat,
        SessionEventNames.SessionStarted,
        SessionEventNames.SessionEnded);

    /// <summary>1–64 characters of [A-Za-z0-9_-]: event ids and session ids.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id) =>
        id.Length is > 0 and <= MaxIdLength && id.IndexOfAnyExcept(IdCharacters) < 0;

    /// <summary><c>^[a-z][a-z0-9_]{0,63}$</c>.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetterLower(name[0]) && name.IndexOfAnyExcept(NameCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");
}
