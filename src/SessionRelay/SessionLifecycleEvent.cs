using System.Collections.Concurrent;
using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay;

/// <summary>A session lifecycle event for analytics, carried to the backend in the title's next heartbeat.</summary>
/// <param name="Name"><see cref="Started"/> or <see cref="Ended"/>.</param>
/// <param name="TitleId">The session's title (from its join tokens).</param>
/// <param name="SessionId">The match's session id (from its join tokens).</param>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="DurationSeconds">At the end, how long the session ran; 0 at start.</param>
/// <param name="Members">At start, the first member (1); at the end, the most members the session held at once.</param>
public sealed record SessionLifecycleEvent(string Name, string TitleId, string SessionId, DateTimeOffset Time, int Members, double DurationSeconds)
{
    public const string Started = SessionEventNames.SessionStarted;
    public const string Ended = SessionEventNames.SessionEnded;

    /// <summary>The event as a heartbeat reports it (the backend's record; a start has no duration).</summary>
    public RelaySessionEvent ToReported() => new(Name, SessionId, Time, Members, Name == Started ? null : DurationSeconds);
}

/// <summary>Sessions and members of one title on this relay, for its heartbeat; written by the receive loop only.</summary>
public sealed class TitleLoad
{
    internal long SessionCount;
    internal long MemberCount;

    public long Sessions => Volatile.Read(ref SessionCount);

    public long Members => Volatile.Read(ref MemberCount);
}

/// <summary>Per-title loads, shared between the receive loop (writer) and the heartbeats (readers).</summary>
public sealed class TitleLoads
{
    private readonly ConcurrentDictionary<UInt128, TitleLoad> _byTitle = new();

    public TitleLoad For(UInt128 titleId) => _byTitle.GetOrAdd(titleId, static _ => new TitleLoad());

    public TitleLoad? Find(UInt128 titleId) => _byTitle.TryGetValue(titleId, out var load) ? load : null;
}
