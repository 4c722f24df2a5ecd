using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Events;
using GameBackend.Kafka;
using GameBackend.Kafka.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Publishes --events telemetry-sized events (EventWire values of 100-300 bytes) through KafkaEventBus.PublishAsync in
// calls of --batch events, --concurrency calls in flight (as concurrent HTTP ingest requests would), once per codec in
// --codecs, and prints events/s, CPU time per event of this whole process (the mock brokers included) and bytes sent.
// Without --bootstrap it starts librdkafka's mock cluster (3 brokers) in this process, on 127.0.0.1.
var events = Arg("--events", 1_000_000);
var batch = Arg("--batch", 500);
var concurrency = Arg("--concurrency", 16);
var codecs = ArgText("--codecs", "lz4,zstd,none").Split(',');
var bootstrap = ArgText("--bootstrap", "");

using var cluster = bootstrap.Length == 0 ? new MockKafkaCluster(3) : null;
var servers = cluster?.BootstrapServers ?? bootstrap;
var payloads = Payloads(50_000);
var sizes = payloads.Select(p => EventWire.Encode(p).Length).ToArray();
Console.WriteLine($"broker: {(cluster is null ? servers : "librdkafka mock cluster, 3 brokers, in process")}; " +
                  $"{events:N0} events per run, value {sizes.Min()}-{sizes.Max()} bytes (mean {sizes.Average():F0}), " +
                  $"{batch} per PublishAsync, {concurrency} calls in flight; {Environment.ProcessorCount} cores");
Console.WriteLine("codec  events/s   CPU µs/event  MB sent  sent bytes/event");

foreach (var codec in codecs)
{
    var topic = "bench-" + codec + "-" + Guid.NewGuid().ToString("N")[..8];
    cluster?.CreateTopic(topic, 12);
    var options = new KafkaOptions { BootstrapServers = servers, Topic = topic, Compression = codec, PublishTimeoutSeconds = 30 };
    long sentBytes = 0;
    options.Settings["statistics.interval.ms"] = "500";
    using var bus = new KafkaEventBus(Options.Create(options), NullLogger<KafkaEventBus>.Instance, stats => sentBytes = TxBytes(stats));

    // Warm-up: connections, idempotent producer id, JIT.
    await bus.PublishAsync(payloads.Take(batch).ToList());

    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var bytesBefore = Volatile.Read(ref sentBytes);
    var clock = Stopwatch.StartNew();
    var next = -1;
    var calls = (events + batch - 1) / batch;
    var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        for (var call = Interlocked.Increment(ref next); call < calls; call = Interlocked.Increment(ref next))
        {
            var slice = new BackendEvent[batch];
            for (var i = 0; i < batch; i++)
            {
                slice[i] = payloads[(call * batch + i) % payloads.Length];
            }

            await bus.PublishAsync(slice);
        }
    })).ToArray();
    await Task.WhenAll(workers);
    clock.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpuBefore;
    await Task.Delay(1100);
    var sent = Volatile.Read(ref sentBytes) - bytesBefore;
    var published = (long)calls * batch;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{codec,-6} {published / clock.Elapsed.TotalSeconds,9:N0}  {cpu.TotalMicroseconds / published,12:F2}  {sent / 1e6,7:F1}  {(double)sent / published,16:F1}"));
}

static BackendEvent[] Payloads(int count)
{
    // Telemetry as clients send it: a name, a time, a session, and 0-6 small properties; JSON of 100-300 bytes.
    var random = new Random(7);
    var names = new[] { "level_up", "item_bought", "match_started", "tutorial_step", "ad_watched", "signed_in" };
    var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    var result = new BackendEvent[count];
    for (var i = 0; i < count; i++)
    {
        var player = "0199" + random.Next(0, 200_000).ToString("x8", CultureInfo.InvariantCulture);
        var properties = new Dictionary<string, object>();
        for (var p = random.Next(0, 7); p > 0; p--)
        {
            properties["k" + p.ToString(CultureInfo.InvariantCulture)] = random.Next(0, 2) == 0 ? random.Next(0, 100_000) : "v" + random.Next(0, 1000).ToString(CultureInfo.InvariantCulture);
        }

        var json = "{" + string.Join(",", properties.Select(p => $"\"{p.Key}\":" + (p.Value is int n ? n.ToString(CultureInfo.InvariantCulture) : $"\"{p.Value}\""))) + "}";
        result[i] = new BackendEvent("0199a3b4c5d6e7f8", Guid.CreateVersion7().ToString(), names[random.Next(names.Length)],
            start.AddMilliseconds(i), player, "s-" + player, properties.Count == 0 ? null : JsonDocument.Parse(json).RootElement);
    }

    return result;
}

static long TxBytes(string statistics)
{
    using var document = JsonDocument.Parse(statistics);
    return document.RootElement.GetProperty("tx_bytes").GetInt64();
}

int Arg(string name, int fallback) => int.Parse(ArgText(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string ArgText(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
