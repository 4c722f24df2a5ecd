using System.Diagnostics;
using System.Globalization;
using GameBackend.Bench.Analytics;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;

// The ingest handler alone: a stream of telemetry-like events (100,000 players over 40 cohort days, sessions, matches,
// relay heartbeats, 30 event names) pre-encoded as records, handed to AnalyticsIngest over a SQLite store in batches,
// one log partition, one title, without and with the Parquet archive (Hosts.Local's, to a temporary folder). The reference is decoding the same records (EventWire.TryDecode), the floor of any handler.
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var batchSizes = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [4096, 512];
var now = TelemetryStream.Now;
var records = TelemetryStream.Events(total).Select((e, i) => new EventRecord("events", 0, i, EventWire.Key(e), EventWire.Encode(e))).ToList();

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

foreach (var (batchSize, archived) in batchSizes.SelectMany(b => new[] { (b, false), (b, true) }))
{
    for (var pass = 0; pass < 2; pass++)
    {
        await using var bench = Ingest.Create(archived);
        var cost = Cost.Start(process);
        var stopwatch = Stopwatch.StartNew();
        long applied = 0;
        var batches = 0;
        foreach (var batch in records.Chunk(batchSize))
        {
            applied += (await bench.Handler.HandleAsync(batch)).Applied;
            batches++;
        }

        stopwatch.Stop();
        var item = await bench.Store.GetAsync(new("title", AnalyticsKeys.Partition, AnalyticsKeys.Day(DateOnly.FromDateTime(now.UtcDateTime))));
        if (pass == 1)
        {
            Console.WriteLine($"handler{(archived ? " + archive" : "")}, batches of {batchSize,5}: {applied / stopwatch.Elapsed.TotalSeconds,12:N0} events/s ({batches:N0} batches, {stopwatch.Elapsed.TotalSeconds:F1} s; today's item {item!.Body.Length:N0} bytes; {cost.PerEvent(process, applied)})");
        }
    }
}
