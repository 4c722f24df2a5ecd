namespace GameBackend.SessionRelay;

/// <summary>Source-generated log messages of the relay (event ids 5100–5199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Session relay listening on udp://{Endpoint} ({Transport} transport, batch {BatchSize}, up to {MaxSessions} sessions / {MaxMembers} members)")]
    public static partial void Listening(ILogger logger, string endpoint, string transport, int batchSize, int maxSessions, int maxMembers);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Session relay draining: no new sessions; {Sessions} sessions may run for up to {DrainSeconds} s")]
    public static partial void Draining(ILogger logger, long sessions, double drainSeconds);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Session relay drained ({Sessions} sessions left at the end) and stopped")]
    public static partial void Stopped(ILogger logger, long sessions);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Session relay receive loop failed on a batch; it goes on with the next one")]
    public static partial void BatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Critical, Message = "Session relay receive loop stopped by an error")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Error, Message = "Session relay could not bind udp://{Endpoint} ({Reason}); running without it")]
    public static partial void NotStarted(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Session {SessionId} of title {TitleId} {EventName} (members {Members}, {DurationSeconds} s)")]
    public static partial void SessionEvent(ILogger logger, string sessionId, string titleId, string eventName, int members, double durationSeconds);

    [LoggerMessage(EventId = 5120, Level = LogLevel.Warning, Message = "Relay heartbeat for title {TitleId} failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string titleId, string reason);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Information, Message = "Relay keys of title {TitleId} now {KeyCount} (from the control plane)")]
    public static partial void KeysChanged(ILogger logger, string titleId, int keyCount);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Warning, Message = "Relay heartbeat for title {TitleId} dropped {Count} session events (backend unreachable too long)")]
    public static partial void EventsDropped(ILogger logger, string titleId, int count);
}
