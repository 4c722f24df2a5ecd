using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using GameBackend.Bench.Analytics;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// The Kafka half of the analytics pipeline, apart from HTTP: the benchmark's events (TelemetryStream) are published
// through KafkaEventBus to a topic of --partitions partitions on librdkafka's mock cluster (3 brokers, its own process:
// bench/KafkaMockBroker), then drained five ways, each by a new consumer group from the oldest record:
//   raw consumer    Confluent.Kafka's consumer with the ingest consumer's settings (KafkaClientConfig) reading every
//                   record and doing nothing else: the floor of the fetch; again with librdkafka's default
//                   fetch.queue.backoff.ms (1 s) instead of ours (10 ms)
//   handler alone   AnalyticsIngest (SQLite rollups + Parquet archive) on the same records from memory, in batches of
//                   the consumer's size spread over as many log partitions: the floor of the rollups
//   ingest consumer KafkaIngestConsumer feeding that handler, committing each batch: what Hosts.Local runs
// Each line: events/s (wall), CPU µs/event of this process and of the broker process, bytes this process allocated per
// event. A warm-up pass of every measurement on a smaller topic comes first (JIT, connections) and is not reported.
// Arguments: [events] [partitions] [consumer batch records, default KafkaOptions.MaxBatchRecords].
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
var partitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 48;
var warmTotal = Math.Min(total, 200_000);
var batchRecords = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : new KafkaOptions().MaxBatchRecords;

var broker = MockBroker.Start(("warm", partitions), ("events", partitions));
try
{
    Console.WriteLine($"{total:N0} events, {partitions} partitions, batches of {batchRecords:N0}, librdkafka mock cluster (3 brokers) as pid {broker.Process.Id}; {Environment.ProcessorCount} cores");
    Console.WriteLine("measurement               events/s  wall s  CPU µs/event    B/event  events/s from the first record");
    Console.WriteLine("                                          this  broker  (this)");
    var events = TelemetryStream.Events(total);
    var process = Process.GetCurrentProcess();
    foreach (var (topic, count, report) in new[] { ("warm", warmTotal, false), ("events", total, true) })
    {
        var slice = events.Take(count).ToList();
        var meter = new Meter(process, broker.Process, count, report);

        meter.Start();
        await Publish(broker.BootstrapServers, topic, slice);
        meter.Stop("publish (KafkaEventBus)");

        meter.Start();
        var firstRecord = RawConsume(broker.BootstrapServers, topic, count, "raw", librdkafkaBackoff: false);
        meter.Stop("raw consumer", firstRecord);

        meter.Start();
        firstRecord = RawConsume(broker.BootstrapServers, topic, count, "raw-1s", librdkafkaBackoff: true);
        meter.Stop("raw, 1 s queue backoff", firstRecord);

        // Spread over the topic's partitions as the consumer's batches are (every batch holds records of all of them).
        var records = slice.Select((e, i) => new EventRecord(topic, i % partitions, i / partitions, EventWire.Key(e), EventWire.Encode(e))).ToList();
        await using (var ingest = Ingest.Create(archived: true))
        {
            meter.Start();
            foreach (var batch in records.Chunk(batchRecords))
            {
                await ingest.Handler.HandleAsync(batch);
            }

            meter.Stop("handler alone");
        }

        await using (var ingest = Ingest.Create(archived: true))
        {
            var counting = new CountingHandler(ingest.Handler, count);
            var options = new KafkaOptions { BootstrapServers = broker.BootstrapServers, Topic = topic, GroupId = "ingest-" + topic, MaxBatchRecords = batchRecords };
            var consumer = new KafkaIngestConsumer(Options.Create(options), counting, NullLogger<KafkaIngestConsumer>.Instance);
            using var stop = new CancellationTokenSource();
            meter.Start();
            var running = consumer.RunAsync(stop.Token);
            await counting.Done.WaitAsync(TimeSpan.FromMinutes(10));
            meter.Stop("ingest consumer", counting.FirstBatchAt);
            await stop.CancelAsync();
            await running;
            if (counting.Applied != count)
            {
                throw new InvalidOperationException($"the ingest consumer applied {counting.Applied:N0} of {count:N0} events");
            }
        }
    }
}
finally
{
    broker.Dispose();
}

static async Task Publish(string bootstrap, string topic, List<BackendEvent> events)
{
    var options = new KafkaOptions { BootstrapServers = bootstrap, Topic = topic, PublishTimeoutSeconds = 60 };
    using var bus = new KafkaEventBus(Options.Create(options), NullLogger<KafkaEventBus>.Instance);
    var next = -1;
    var calls = events.Chunk(500).ToArray();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
    {
        for (var call = Interlocked.Increment(ref next); call < calls.Length; call = Interlocked.Increment(ref next))
        {
            await bus.PublishAsync(calls[call]);
        }
    })));
}

static long RawConsume(string bootstrap, string topic, int count, string group, bool librdkafkaBackoff)
{
    // The ingest consumer's own client settings (KafkaClientConfig), in a group of its own; or those with librdkafka's
    // default fetch.queue.backoff.ms (1 s) instead of ours.
    var options = new KafkaOptions { BootstrapServers = bootstrap, Topic = topic, GroupId = group + "-" + topic };
    if (librdkafkaBackoff)
    {
        options.Settings["fetch.queue.backoff.ms"] = "1000";
    }

    var config = KafkaClientConfig.Consumer(options);
    using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
    consumer.Subscribe(topic);
    var seen = 0;
    long first = 0;
    var deadline = Environment.TickCount64 + 600_000;
    while (seen < count && Environment.TickCount64 < deadline)
    {
        if (consumer.Consume(250) is { IsPartitionEOF: false, Message: not null })
        {
            first = seen++ == 0 ? Stopwatch.GetTimestamp() : first;
        }
    }

    consumer.Close();
    if (seen != count)
    {
        throw new InvalidOperationException($"the raw consumer read {seen:N0} of {count:N0} records");
    }

    return first;
}

/// <summary>
/// Times one measurement and prints its line (only for the reported pass). A consumer's line also gives the rate from
/// its first record on: before it, the group's join (the mock coordinator waits about 3 s for other members).
/// </summary>
internal sealed class Meter(Process self, Process broker, int events, bool report)
{
    private long _started;
    private Cost _cost;
    private TimeSpan _brokerCpu;

    public void Start()
    {
        broker.Refresh();
        _brokerCpu = broker.TotalProcessorTime;
        _cost = Cost.Start(self);
        _started = Stopwatch.GetTimestamp();
    }

    public void Stop(string name, long firstRecordAt = 0)
    {
        var ended = Stopwatch.GetTimestamp();
        var end = Cost.Start(self);
        broker.Refresh();
        if (!report)
        {
            return;
        }

        var wall = Stopwatch.GetElapsedTime(_started, ended).TotalSeconds;
        var cpu = (end.Cpu - _cost.Cpu).TotalMicroseconds / events;
        var brokerCpu = (broker.TotalProcessorTime - _brokerCpu).TotalMicroseconds / events;
        var afterFirst = firstRecordAt == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"{events / Stopwatch.GetElapsedTime(firstRecordAt, ended).TotalSeconds,9:N0} (first record at {Stopwatch.GetElapsedTime(_started, firstRecordAt).TotalSeconds:F1} s)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-24} {events / wall,9:N0}  {wall,6:F1}  {cpu,6:F2}  {brokerCpu,6:F2}  {(double)(end.Allocated - _cost.Allocated) / events,6:F0}  {afterFirst}"));
    }
}

/// <summary>Passes batches to the handler and signals when it has applied the expected number of events.</summary>
internal sealed class CountingHandler(IEventRecordHandler inner, int expected) : IEventRecordHandler
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _applied;
    private long _firstBatchAt;

    public Task Done => _done.Task;

    /// <summary>When the first batch arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long FirstBatchAt => Interlocked.Read(ref _firstBatchAt);

    public int Applied => Volatile.Read(ref _applied);

    public async Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
    {
        Interlocked.CompareExchange(ref _firstBatchAt, Stopwatch.GetTimestamp(), 0);
        var report = await inner.HandleAsync(records, cancellationToken);
        if (Interlocked.Add(ref _applied, report.Applied) >= expected)
        {
            _done.TrySetResult();
        }

        return report;
    }
}

/// <summary>bench/KafkaMockBroker as a child process: topics created at start, stopped by closing its stdin.</summary>
internal sealed class MockBroker : IDisposable
{
    private MockBroker(Process process, string bootstrapServers)
    {
        Process = process;
        BootstrapServers = bootstrapServers;
    }

    public Process Process { get; }

    public string BootstrapServers { get; }

    public static MockBroker Start(params (string Topic, int Partitions)[] topics)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GameBackend.KafkaMockBroker.dll"));
        foreach (var (topic, count) in topics)
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"{topic}:{count}"));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the mock broker did not start");
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("bootstrap: ", StringComparison.Ordinal))
            {
                return new MockBroker(process, line["bootstrap: ".Length..]);
            }
        }

        throw new InvalidOperationException("the mock broker exited without printing its bootstrap servers");
    }

    public void Dispose()
    {
        Process.StandardInput.Close();
        if (!Process.WaitForExit(10_000))
        {
            Process.Kill();
        }

        Process.Dispose();
    }
}
