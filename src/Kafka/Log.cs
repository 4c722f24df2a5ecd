using Microsoft.Extensions.Logging;

namespace GameBackend.Kafka;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Kafka did not accept a publish of {Count} events: {Reason}")]
    public static partial void PublishFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Kafka producer error {Code}: {Reason}")]
    public static partial void ProducerError(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Kafka producer fatal error {Code}: {Reason}; the next publish builds a new producer")]
    public static partial void ProducerFatal(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Kafka producer rebuilt after a fatal error")]
    public static partial void ProducerRebuilt(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Kafka producer flush on shutdown failed")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "librdkafka {Level} {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, string level, string facility, string message);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Kafka ingest consumer subscribed to {Topic} as group {GroupId}")]
    public static partial void Subscribed(ILogger logger, string topic, string groupId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Kafka partitions assigned: {Partitions}")]
    public static partial void Assigned(ILogger logger, string partitions);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Kafka partitions revoked: {Partitions}; {Dropped} consumed records not handled are left to the next owner")]
    public static partial void Revoked(ILogger logger, string partitions, int dropped);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Kafka partitions lost: {Partitions}; {Dropped} consumed records dropped without commit")]
    public static partial void Lost(ILogger logger, string partitions, int dropped);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "Ingested a batch of {Records} records ({Applied} applied, {Duplicates} duplicates, {Malformed} malformed); committed {Offsets}")]
    public static partial void BatchCommitted(ILogger logger, int records, int applied, int duplicates, int malformed, string offsets);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "The ingest handler failed on a batch of {Records} records (attempt {Attempt}); nothing committed, retrying from {Offsets} in {Backoff}")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int records, int attempt, string offsets, TimeSpan backoff);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Committing {Offsets} failed; the handled batch will be delivered again and change nothing")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string offsets);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "Kafka consume error {Code}: {Reason}")]
    public static partial void ConsumeError(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "Seeking back to {Offsets} failed; rejoining the group to resume from the committed offsets")]
    public static partial void SeekFailed(ILogger logger, Exception exception, string offsets);

    [LoggerMessage(EventId = 19, Level = LogLevel.Information, Message = "Kafka ingest consumer stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Kafka consumer error {Code}: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string code, string reason);
}
