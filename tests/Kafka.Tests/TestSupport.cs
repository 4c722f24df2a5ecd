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
    /// <summary>The UTC day every test event is dated on.</summary>
    public static readonly DateTimeOffset EventDay = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    public static DateOnly EventDate => DateOnly.FromDateTime(EventDay.UtcDateTime);

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
        var time = EventDay.AddHours(12);
        for (var i = 0; i < count; i++)
        {
            var seq = firstSeq + i;
            var player = "p" + (seq % players).ToString(CultureInfo.InvariantCulture);
            var properties = JsonDocument.Parse(string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{seq / players}}}")).RootElement;
            events.Add(new BackendEvent(title, Guid.CreateVersion7().ToString(), "level_up", time.AddMilliseconds(seq), player, null, properties));
        }

        return events;
    }

    /// <summary>Publishes in calls of 250 events, as concurrent HTTP ingests would, and disposes the bus.</summary>
    public static async Task PublishAsync(KafkaOptions options, IReadOnlyList<BackendEvent> events, ITestOutputHelper? output)
    {
        using var bus = Bus(options, output);
        foreach (var chunk in events.Chunk(250))
        {
            await bus.PublishAsync(chunk);
        }
    }

    public static Task WaitCommittedAsync(KafkaOptions options, int count) =>
        WaitUntil(() => KafkaIngestTests.Committed(options).Values.Sum() == count, TimeSpan.FromSeconds(60),
            () => $"{KafkaIngestTests.Committed(options).Values.Sum()} of {count} committed");

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
/// An ingest handler that records every delivery (with its log position) and tracks each event id once, as the real
/// handler must; it can be told to fail the next calls, before or after the real handler (<see cref="Inner"/>) stored them.
/// </summary>
internal sealed class RecordingHandler : IEventRecordHandler
{
    private readonly ConcurrentDictionary<string, BackendEvent> _applied = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _failNext;
    private int _failAfterStoring;

    public List<EventRecord> Delivered { get; } = [];

    public List<IReadOnlyList<EventRecord>> Batches { get; } = [];

    public int Calls;

    public int Failures;

    public Func<IReadOnlyList<EventRecord>, Task>? BeforeHandle { get; set; }

    public IReadOnlyDictionary<string, BackendEvent> Applied => _applied;

    /// <summary>The real handler behind this one (the analytics ingest), called after recording.</summary>
    public IEventRecordHandler? Inner { get; init; }

    public void FailNext(int calls) => Volatile.Write(ref _failNext, calls);

    /// <summary>The next <paramref name="calls"/> calls store through <see cref="Inner"/>, then throw.</summary>
    public void FailAfterStoring(int calls) => Volatile.Write(ref _failAfterStoring, calls);

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
        // Not cancelled by a stopping consumer: a batch handed over is stored whole, so tests know what was stored.
        var inner = Inner is null ? null : await Inner.HandleAsync(copy, CancellationToken.None);
        if (Interlocked.Decrement(ref _failAfterStoring) >= 0)
        {
            // The effects are stored, but the consumer never learns it: as a crash between storing and committing.
            Interlocked.Increment(ref Failures);
            throw new InvalidOperationException("Lost the answer after storing (test).");
        }

        Interlocked.Exchange(ref _failAfterStoring, 0);
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

        return inner ?? new IngestBatchReport(copy.Count, applied, duplicates, malformed);
    }

    public List<EventRecord> DeliveredSnapshot()
    {
        lock (_gate)
        {
            return [.. Delivered];
        }
    }
}
