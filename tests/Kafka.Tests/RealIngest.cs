using GameBackend.Core.Analytics;
using GameBackend.Stores.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Kafka.Tests;

/// <summary>The real analytics ingest over a SQLite store in a temporary folder, its clock on the test events' day.</summary>
internal sealed class RealIngest : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gamebackend-kafka-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDocumentStore _store;
    private readonly FakeTimeProvider _time;

    public RealIngest()
    {
        Directory.CreateDirectory(_folder);
        _time = new FakeTimeProvider(TestKafka.EventDay.AddHours(20));
        _store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(_folder, "store.db")), _time);
        Handler = new AnalyticsIngest(_store, _time);
        Queries = new AnalyticsQueries(_store, _time);
    }

    public AnalyticsIngest Handler { get; }

    /// <summary>Another handler over the same store, as another process of the consumer group has (its own id window).</summary>
    public AnalyticsIngest AnotherHandler() => new(_store, _time);

    public AnalyticsQueries Queries { get; }

    /// <summary>The title's rollups of the events' day.</summary>
    public async Task<AnalyticsDay> DayAsync(string title) =>
        (await Queries.GetDaysAsync(title, TestKafka.EventDate, TestKafka.EventDate)).Value.Single();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
