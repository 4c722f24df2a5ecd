using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Stores.Sqlite;

// The ingest handler alone: a stream of telemetry-like events (100,000 players over 40 cohort days, sessions, matches,
// relay heartbeats, 30 event names) pre-encoded as records, handed to AnalyticsIngest over a SQLite store in batches,
// one log partition, one title. The reference is decoding the same records (EventWire.TryDecode), the floor of any handler.
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var batchSizes = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [4096, 512];
var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
var random = new Random(6);
using var heartbeat = JsonDocument.Parse("""{"relay":"relay-1","region":"eu","sessions":40,"members":400}""");
using var ended = JsonDocument.Parse("""{"relay":"relay-1","region":"eu","members":0,"durationSeconds":612.5}""");
using var custom = JsonDocument.Parse("""{"level":12,"mode":"ranked","map":"harbor"}""");
var records = new List<EventRecord>(total);
for (var i = 0; i < total; i++)
{
    var player = random.Next(100_000);
    var at = now.AddSeconds(-random.Next(6 * 3600));
    var since = now.AddDays(-(player % 40));
    var e = (i % 50) switch
    {
        0 => new BackendEvent("title", "e" + i, BackendEventNames.RelayHeartbeat, at, null, null, heartbeat.RootElement),
        1 => new BackendEvent("title", "e" + i, BackendEventNames.MatchFormed, at),
        2 => new BackendEvent("title", "e" + i, "session_ended", at, null, "s" + i, ended.RootElement),
        _ => new BackendEvent("title", "e" + i, "event_" + (i % 30), at, "player-" + player, null, custom.RootElement, since),
    };
    records.Add(new EventRecord("events", 0, i, EventWire.Key(e), EventWire.Encode(e)));
}

Console.WriteLine($"{total:N0} events, {records.Sum(r => r.Value.Length) / (double)total:F0} bytes each on average; {Environment.ProcessorCount} cores");

// Every measurement runs twice; the first pass warms the JIT (tiered PGO) and is not reported. Beside the wall-clock
// rate each line gives the whole process's CPU time (GC and the store's writer thread included) and the bytes
// allocated, per event (allocation does not depend on how loaded the shared machine is; CPU time less than wall time).
var process = Process.GetCurrentProcess();
for (var pass = 0; pass < 2; pass++)
{
    var cost = Cost.Start(process);
    var decode = Stopwatch.StartNew();
    var decoded = 0;
    foreach (var record in records)
    {
        decoded += EventWire.TryDecode(record.Value.Span) is null ? 0 : 1;
    }

    decode.Stop();
    if (pass == 1)
    {
        Console.WriteLine($"reference: decode only       {decoded / decode.Elapsed.TotalSeconds,12:N0} events/s ({cost.PerEvent(process, decoded)})");
    }
}

foreach (var batchSize in batchSizes)
{
    for (var pass = 0; pass < 2; pass++)
    {
        var folder = Directory.CreateTempSubdirectory("analytics-bench-").FullName;
        try
        {
            await using var store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(folder, "store.db")), new FixedTime(now));
            var ingest = new AnalyticsIngest(store, new FixedTime(now));
            var cost = Cost.Start(process);
            var stopwatch = Stopwatch.StartNew();
            long applied = 0;
            var batches = 0;
            foreach (var batch in records.Chunk(batchSize))
            {
                applied += (await ingest.HandleAsync(batch)).Applied;
                batches++;
            }

            stopwatch.Stop();
            var item = await store.GetAsync(new("title", AnalyticsKeys.Partition, AnalyticsKeys.Day(DateOnly.FromDateTime(now.UtcDateTime))));
            if (pass == 1)
            {
                Console.WriteLine($"handler, batches of {batchSize,5}: {applied / stopwatch.Elapsed.TotalSeconds,12:N0} events/s ({batches:N0} batches, {stopwatch.Elapsed.TotalSeconds:F1} s; today's item {item!.Body.Length:N0} bytes; {cost.PerEvent(process, applied)})");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>CPU time of the whole process and bytes allocated on every thread since <see cref="Start"/>.</summary>
internal readonly record struct Cost(TimeSpan Cpu, long Allocated)
{
    public static Cost Start(Process process)
    {
        process.Refresh();
        return new Cost(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
    }

    public string PerEvent(Process process, long events)
    {
        var end = Start(process);
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU {(end.Cpu - Cpu).TotalMicroseconds / events:F2} µs/event, {(double)(end.Allocated - Allocated) / events:F0} B allocated/event");
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
