using System.Globalization;
using Confluent.Kafka;

namespace GameBackend.Kafka;

/// <summary>Turns <see cref="KafkaOptions"/> into librdkafka settings: the one place the guarantees are configured.</summary>
internal static class KafkaClientConfig
{
    public static ProducerConfig Producer(KafkaOptions options)
    {
        var config = new ProducerConfig();
        Common(config, options);

        // Acknowledged means written to every in-sync replica, exactly once per send even when librdkafka retries.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.MessageTimeoutMs = (int)Math.Ceiling(options.PublishTimeout.TotalMilliseconds);
        config.LingerMs = options.LingerMs;
        config.CompressionType = options.Compression switch
        {
            "none" => CompressionType.None,
            "gzip" => CompressionType.Gzip,
            "snappy" => CompressionType.Snappy,
            "zstd" => CompressionType.Zstd,
            _ => CompressionType.Lz4,
        };

        // The delivery handler only needs the outcome; copying each key and value back into .NET costs throughput.
        config.DeliveryReportFields = "status";
        return config;
    }

    public static ConsumerConfig Consumer(KafkaOptions options)
    {
        // librdkafka's high-level consumer counts its prefetch threshold (queued.min.messages, 100,000) over all assigned
        // partitions together, and a partition that finds the queue above it waits fetch.queue.backoff.ms before its next
        // fetch: 1 s by default, which idles a consumer that drains 100,000 records in well under a second (a backlog on
        // 48 partitions was read about ten times slower; docs/benchmarks.md). A few ms keeps the queue bounded as before
        // without the idle second. Settings:fetch.queue.backoff.ms overrides it.
        // The ingest consumer reads one topic and needs no record's topic name, timestamp or headers: not copying them
        // into .NET saves a string and a Headers object per record.
        var config = new ConsumerConfig { FetchQueueBackoffMs = 10, ConsumeResultFields = "none" };
        Common(config, options);
        config.GroupId = options.GroupId;

        // Offsets move only when the ingest handler has stored a batch's effects.
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;

        // A new group starts at the oldest retained event: analytics wants everything, not only what comes next.
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;

        // Where the broker allows it (a local broker, the mock cluster), subscribing creates the topic, so a consumer
        // started before the first publish does not wait a metadata refresh interval to see it.
        config.AllowAutoCreateTopics = true;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        return config;
    }

    private static void Common(ClientConfig config, KafkaOptions options)
    {
        foreach (var (key, value) in options.Settings)
        {
            config.Set(key, value);
        }

        config.BootstrapServers = options.BootstrapServers;
        config.SecurityProtocol = options.SecurityProtocol;
        if (options.SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = mechanism;
            config.SaslUsername = options.SaslUsername;
            config.SaslPassword = options.SaslPassword;
        }

        if (!string.IsNullOrEmpty(options.SslCaLocation))
        {
            config.SslCaLocation = options.SslCaLocation;
        }

        config.ClientId ??= "gamebackend-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// librdkafka reports every failed connection attempt and retries on its own; one broker's transport error is
    /// noise (it stays in the debug log), all brokers down or a refused login is what an operator must see.
    /// </summary>
    public static bool IsWorthAWarning(Error error) => error.IsFatal || error.Code != ErrorCode.Local_Transport;
}
