namespace GameBackend.Core.Analytics;

/// <summary>
/// One raw record exactly as a Kafka consumer, a Lambda Kafka event or an Azure Functions Kafka trigger delivers it:
/// where it sits in the log (topic, partition, offset) and its bytes. The value is <see cref="Events.EventWire"/>'s
/// encoding of one event. Offsets only grow within a (topic, partition); the ingest handler relies on that to make a
/// redelivered batch change nothing.
/// </summary>
public readonly record struct EventRecord(string Topic, int Partition, long Offset, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value);

/// <summary>
/// The analytics ingest function: the one Core entry every host calls with a batch of raw records (Hosts.Local's
/// in-process consumer, a Kafka consumer group, the Lambda and Azure Functions Kafka triggers). It returns only after
/// the batch's effects (rollups, archive) are stored, so the caller may then commit the offsets; it throws when they
/// could not be stored, so the caller must not commit and the batch is delivered again. Delivering a batch again,
/// whole or in part, changes nothing.
/// </summary>
public interface IEventRecordHandler
{
    Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default);
}

/// <summary>What one batch did: records received, events applied to rollups, duplicates skipped, records that were not events.</summary>
public sealed record IngestBatchReport(int Records, int Applied, int Duplicates, int Malformed);
