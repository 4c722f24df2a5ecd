namespace GameBackend.Hosts.Azure;

/// <summary>Source-generated log messages of the Azure host.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Custom handler listening on {Urls}")]
    public static partial void Listening(ILogger logger, string urls);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Matchmaking tick: {Queues} queues, {Matches} matches formed, {TimedOut} timed out, {EventFailures} events not published, past due {PastDue}")]
    public static partial void TickDone(ILogger logger, int queues, int matches, int timedOut, int eventFailures, bool pastDue);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Matchmaking tick failed; the invocation fails and the next occurrence runs again")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Analytics ingest: {Records} records, {Applied} applied, {Duplicates} duplicates, {Malformed} malformed")]
    public static partial void IngestDone(ILogger logger, int records, int applied, int duplicates, int malformed);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Analytics ingest of {Records} records failed; the invocation fails so the batch is delivered again")]
    public static partial void IngestFailed(ILogger logger, int records, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Invocation rejected with {Status}: {Reason}")]
    public static partial void InvocationRejected(ILogger logger, int status, string reason);
}
