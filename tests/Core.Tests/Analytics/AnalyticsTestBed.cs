using System.Text;
using System.Text.Json;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;
using GameBackend.Stores.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Core.Tests.Analytics;

/// <summary>The ingest handler and the queries over a real SQLite store in a temporary folder, with a fake clock.</summary>
public sealed class AnalyticsTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>00:00 UTC of <see cref="Start"/>'s day.</summary>
    public static readonly DateTimeOffset StartOfDay = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gamebackend-core-tests", Guid.NewGuid().ToString("N"));

    public AnalyticsTestBed(IEventArchive? archive = null)
    {
        Directory.CreateDirectory(_folder);
        Store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(_folder, "store.db")) { ReaderConnections = 4 }, Time);
        Ingest = new AnalyticsIngest(Store, Time, archive);
        Queries = new AnalyticsQueries(Store, Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public SqliteDocumentStore Store { get; }

    public AnalyticsIngest Ingest { get; }

    public AnalyticsQueries Queries { get; }

    public static DateOnly Today => DateOnly.FromDateTime(Start.UtcDateTime);

    public static BackendEvent Event(
        string title, string id, string name, DateTimeOffset time, string? player = null, DateTimeOffset? playerSince = null, string? properties = null) =>
        new(title, id, name, time, player, null, properties is null ? null : JsonDocument.Parse(properties).RootElement.Clone(), playerSince);

    /// <summary>Records at consecutive offsets from <paramref name="firstOffset"/>.</summary>
    public static List<EventRecord> Records(IEnumerable<BackendEvent> events, long firstOffset = 0, string topic = "events", int partition = 0) =>
        events.Select((e, i) => new EventRecord(topic, partition, firstOffset + i, EventWire.Key(e), EventWire.Encode(e))).ToList();

    public async Task<AnalyticsDay> DayAsync(string title, DateOnly day) =>
        (await Queries.GetDaysAsync(title, day, day)).Value.Single();

    /// <summary>Everything a day answers, as one comparable string.</summary>
    public async Task<string> DescribeAsync(string title, DateOnly from, DateOnly to)
    {
        var text = new StringBuilder();
        foreach (var d in (await Queries.GetDaysAsync(title, from, to)).Value)
        {
            text.AppendLine($"{d.Date} dau={d.Dau} wau={d.Wau} mau={d.Mau} new={d.NewPlayers} started={d.SessionsStarted} ended={d.SessionsEnded} "
                + $"avg={d.AverageSessionSeconds} hist={string.Join(',', d.SessionLengthHistogram)} matches={d.Matches} events={d.Events} "
                + $"names={string.Join(',', d.EventsByName.Select(n => n.Key + ":" + n.Value))} ccu={d.PeakCcu} late={d.LateEvents} future={d.FutureEvents}");
            var hours = await Queries.GetHoursAsync(title, d.Date);
            text.AppendLine(string.Join(';', hours.Hours.Select(h => $"{h.Events},{h.Matches},{h.SessionsStarted},{h.SessionsEnded},{h.PeakCcu}")));
            text.AppendLine(string.Join(',', hours.Ccu));
        }

        foreach (var c in (await Queries.GetRetentionAsync(title, from, to)).Value)
        {
            text.AppendLine($"{c.Date} size={c.Size} d1={c.D1} d7={c.D7} d30={c.D30}");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
