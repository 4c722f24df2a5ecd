using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka;

/// <summary>
/// Settings of the Kafka event bus and of the ingest consumer group (section <c>GameBackend:Kafka</c>). One section for
/// both sides, so a producer and the consumers of the same deployment cannot disagree on the topic or the security.
/// </summary>
/// <remarks>
/// Supported security: PLAINTEXT (a local broker), SSL, SASL_SSL (or SASL_PLAINTEXT) with PLAIN (Azure Event Hubs' Kafka
/// endpoint: username <c>$ConnectionString</c>, password the namespace connection string) or SCRAM-SHA-256/512 (Amazon MSK
/// with SASL/SCRAM, Confluent Platform). MSK's IAM authentication needs an AWS-signed OAUTHBEARER token callback that no
/// package served here provides, so it is rejected at start rather than failing on the first publish.
/// </remarks>
public sealed class KafkaOptions
{
    public const string SectionName = "GameBackend:Kafka";
    public const string DefaultTopic = "gamebackend-events";
    public const string DefaultGroupId = "gamebackend-analytics";

    /// <summary>Comma-separated host:port list. Empty means "no Kafka": hosts keep their in-process bus.</summary>
    public string? BootstrapServers { get; set; }

    public string Topic { get; set; } = DefaultTopic;

    /// <summary>The consumer group of the analytics ingest; every instance of it shares the topic's partitions.</summary>
    public string GroupId { get; set; } = DefaultGroupId;

    public SecurityProtocol SecurityProtocol { get; set; } = SecurityProtocol.Plaintext;

    public SaslMechanism? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? SaslPassword { get; set; }

    /// <summary>A CA bundle (PEM file) for SSL; empty uses the system's trust store.</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>
    /// How long a publish may wait for every broker acknowledgement before the caller gets
    /// <see cref="Core.Events.EventBusUnavailableException"/> (the API answers 503 + Retry-After). Also librdkafka's
    /// <c>message.timeout.ms</c>, so the client gives up on the same records at the same time.
    /// </summary>
    public double PublishTimeoutSeconds { get; set; } = 5;

    /// <summary>How long the producer waits to fill a batch (librdkafka <c>linger.ms</c>): a few ms buys large, well-compressed batches.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary>none, gzip, snappy, lz4 or zstd. lz4 by default: see docs/analytics.md ("Kafka") for the measurement.</summary>
    public string Compression { get; set; } = "lz4";

    /// <summary>
    /// Most records the consumer hands the ingest handler at once. Each batch costs the handler a fixed amount (reading,
    /// folding and writing the day items, a checkpoint per partition, one archive object per title and hour, one
    /// transaction), so large batches drain a backlog faster: 20,000 drained one about 15% faster than 5,000
    /// (docs/benchmarks.md). Two batches are in memory at once (one in the handler, the next being read).
    /// </summary>
    public int MaxBatchRecords { get; set; } = 20_000;

    /// <summary>Longest the consumer waits to fill a batch once it holds its first record.</summary>
    public int MaxBatchWaitMs { get; set; } = 200;

    /// <summary>First wait before a failed batch is retried; doubles per consecutive failure up to <see cref="MaxRetryBackoffSeconds"/>.</summary>
    public double RetryBackoffSeconds { get; set; } = 0.5;

    public double MaxRetryBackoffSeconds { get; set; } = 30;

    /// <summary>
    /// Further librdkafka settings by their own names (e.g. <c>ssl.endpoint.identification.algorithm</c>,
    /// <c>socket.keepalive.enable</c>). The settings the bus's guarantees rest on cannot be overridden here.
    /// </summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan PublishTimeout => TimeSpan.FromSeconds(PublishTimeoutSeconds);

    /// <summary>Settings that would break "acknowledged means stored" or "committed means handled".</summary>
    internal static readonly IReadOnlySet<string> ReservedSettings = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "enable.idempotence", "acks", "request.required.acks", "enable.auto.commit",
        "enable.auto.offset.store", "group.id", "message.timeout.ms", "delivery.timeout.ms", "isolation.level",
        "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.username", "sasl.password",
        "max.in.flight.requests.per.connection", "max.in.flight",
    };
}

internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    private static readonly string[] Compressions = ["none", "gzip", "snappy", "lz4", "zstd"];

    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            failures.Add($"{KafkaOptions.SectionName}:BootstrapServers must list at least one host:port.");
        }

        if (string.IsNullOrWhiteSpace(options.Topic) || options.Topic.Length > 249 || !options.Topic.All(IsTopicChar))
        {
            failures.Add($"{KafkaOptions.SectionName}:Topic must be 1-249 characters of a-z, A-Z, 0-9, '.', '_' and '-'.");
        }

        if (string.IsNullOrWhiteSpace(options.GroupId))
        {
            failures.Add($"{KafkaOptions.SectionName}:GroupId must not be empty.");
        }

        var sasl = options.SecurityProtocol is SecurityProtocol.SaslSsl or SecurityProtocol.SaslPlaintext;
        if (sasl)
        {
            if (options.SaslMechanism is not (SaslMechanism.Plain or SaslMechanism.ScramSha256 or SaslMechanism.ScramSha512))
            {
                failures.Add($"{KafkaOptions.SectionName}:SaslMechanism must be Plain, ScramSha256 or ScramSha512 with {options.SecurityProtocol} " +
                             "(GSSAPI and OAUTHBEARER, which MSK IAM uses, are not supported).");
            }

            if (string.IsNullOrEmpty(options.SaslUsername) || string.IsNullOrEmpty(options.SaslPassword))
            {
                failures.Add($"{KafkaOptions.SectionName}:SaslUsername and SaslPassword are required with {options.SecurityProtocol}.");
            }
        }
        else if (options.SaslMechanism is not null || !string.IsNullOrEmpty(options.SaslUsername))
        {
            failures.Add($"{KafkaOptions.SectionName}:SaslMechanism and SaslUsername need SecurityProtocol SaslSsl or SaslPlaintext.");
        }

        if (!double.IsFinite(options.PublishTimeoutSeconds) || options.PublishTimeoutSeconds < 0.1 || options.PublishTimeoutSeconds > 300)
        {
            failures.Add($"{KafkaOptions.SectionName}:PublishTimeoutSeconds must be 0.1 to 300.");
        }

        if (options.LingerMs is < 0 or > 1000)
        {
            failures.Add($"{KafkaOptions.SectionName}:LingerMs must be 0 to 1000.");
        }

        if (!Compressions.Contains(options.Compression, StringComparer.Ordinal))
        {
            failures.Add($"{KafkaOptions.SectionName}:Compression must be one of {string.Join(", ", Compressions)}.");
        }

        if (options.MaxBatchRecords is < 1 or > 100_000)
        {
            failures.Add($"{KafkaOptions.SectionName}:MaxBatchRecords must be 1 to 100000.");
        }

        if (options.MaxBatchWaitMs is < 0 or > 60_000)
        {
            failures.Add($"{KafkaOptions.SectionName}:MaxBatchWaitMs must be 0 to 60000.");
        }

        if (!double.IsFinite(options.RetryBackoffSeconds) || options.RetryBackoffSeconds <= 0 ||
            !double.IsFinite(options.MaxRetryBackoffSeconds) || options.MaxRetryBackoffSeconds < options.RetryBackoffSeconds ||
            options.MaxRetryBackoffSeconds > 3600)
        {
            failures.Add($"{KafkaOptions.SectionName}:RetryBackoffSeconds must be above 0 and at most MaxRetryBackoffSeconds (at most 3600).");
        }

        foreach (var key in options.Settings.Keys)
        {
            if (KafkaOptions.ReservedSettings.Contains(key))
            {
                failures.Add($"{KafkaOptions.SectionName}:Settings cannot set \"{key}\": the bus's guarantees depend on it.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTopicChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
