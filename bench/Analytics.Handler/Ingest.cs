using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;
using GameBackend.Stores.Sqlite;

namespace GameBackend.Bench.Analytics;

/// <summary>
/// AnalyticsIngest as Hosts.Local composes it, on the benchmarks' clock: a SQLite store and (optionally) the Parquet
/// archive, in a temporary folder that disposing deletes.
/// </summary>
internal sealed class Ingest : IAsyncDisposable
{
    private readonly string _folder;

    private Ingest(string folder, SqliteDocumentStore store, AnalyticsIngest handler)
    {
        _folder = folder;
        Store = store;
        Handler = handler;
    }

    public SqliteDocumentStore Store { get; }

    public AnalyticsIngest Handler { get; }

    public static Ingest Create(bool archived)
    {
        var folder = Directory.CreateTempSubdirectory("analytics-bench-").FullName;
        var time = new FixedTime(TelemetryStream.Now);
        var store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(folder, "store.db")), time);
        var archive = archived ? new ParquetEventArchive(new FolderObjectStore(Path.Combine(folder, "archive"))) : null;
        return new Ingest(folder, store, new AnalyticsIngest(store, time, archive));
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
