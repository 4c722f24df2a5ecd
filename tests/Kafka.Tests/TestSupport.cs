using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka.Tests;

internal static class TestKafka
{
    public static KafkaOptions Options(MockKafkaCluster cluster, string topic, string? group = null, Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Topic = topic,
            GroupId = group ?? "group-" + topic,
            PublishTimeoutSeconds = 5,
            MaxBatchRecords = 200,
            MaxBatchWaitMs = 50,
            RetryBackoffSeconds = 0.05,
            MaxRetryBackoffSeconds = 0.2,
        };

        // The mock cluster waits out a departed member's session before it rebalances; keep that short in tests.
        options.Settings["session.timeout.ms"] = "6000";
        options.Settings["heartbeat.interval.ms"] = "500";
        configure?.Invoke(options);
        var validation = new KafkaOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        return options;
    }

    public static string NewTopic(MockKafkaCluster cluster, int partitions = 6)
    {
        var topic = "t-" + Guid.NewGuid().ToString("N")[..12];
        cluster.CreateTopic(topic, partitions);
        return topic;
    }

    public static KafkaEventBus Bus(KafkaOptions options, ITestOutputHelper? output = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), new TestLogger<KafkaEventBus>(output));

    public static KafkaIngestConsumer Consumer(KafkaOptions options, IEventRecordHandler handler, ITestOutputHelper? output = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), handler, new TestLogger<KafkaIngestConsumer>(output));

    /// <summary>Events of <paramref name="players"/> players, each carrying its per-player sequence number in "seq".</summary>
    public static List<BackendEvent> Events(string title, int count, int players, int firstSeq = 0)
    {
        var events = new List<BackendEvent>(count);
        var time = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + i;
            var player = "p" + (seq % players).ToString(CultureInfo.InvariantCulture);
            var properties = JsonDocument.Parse(string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{seq / players}}}")).RootElement;
            events.Add(new BackendEvent(title, Guid.CreateVersion7().ToString(), "level_up", time.AddMilliseconds(seq), player, "s-" + player, properties));
        }

        return events;
    }

    public static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out: " + describe());
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>
/// An ingest handler that records every delivery (with its log position) and applies each event id once, as the real
/// handler must; it can be told to fail the next calls.
/// </summary>
internal sealed class RecordingHandler : IEventRecordHandler
{
    private readonly ConcurrentDictionary<string, BackendEvent> _applied = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _failNext;

    public List<EventRecord> Delivered { get; } = [];

    public List<IReadOnlyList<EventRecord>> Batches { get; } = [];

    public int Calls;

    public int Failures;

    public Func<IReadOnlyList<EventRecord>, Task>? BeforeHandle { get; set; }

    public IReadOnlyDictionary<string, BackendEvent> Applied => _applied;

    public void FailNext(int calls) => Volatile.Write(ref _failNext, calls);

    public async Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        var copy = records.Select(r => r with { Key = r.Key.ToArray(), Value = r.Value.ToArray() }).ToList();
        lock (_gate)
        {
            Batches.Add(copy);
        }

        if (BeforeHandle is { } before)
        {
            await before(copy);
        }

        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            Interlocked.Increment(ref Failures);
            throw new InvalidOperationException("The store is down (test).");
        }

        Interlocked.Exchange(ref _failNext, 0);
        int applied = 0, duplicates = 0, malformed = 0;
        lock (_gate)
        {
            Delivered.AddRange(copy);
        }

        foreach (var r in copy)
        {
            var e = EventWire.TryDecode(r.Value.Span);
            if (e is null)
            {
                malformed++;
            }
            else if (_applied.TryAdd(e.Id, e))
            {
                applied++;
            }
            else
            {
                duplicates++;
            }
        }

        return new IngestBatchReport(copy.Count, applied, duplicates, malformed);
    }

    public List<EventRecord> DeliveredSnapshot()
    {
        lock (_gate)
        {
            return [.. Delivered];
        }
    }
}
