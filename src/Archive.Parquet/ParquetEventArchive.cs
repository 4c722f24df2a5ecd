using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Parquet;

namespace GameBackend.Archive.Parquet;

/// <summary>
/// The event archive: each batch becomes one Parquet object per title and UTC hour (see <see cref="ArchiveLayout"/>),
/// put into whichever <see cref="IObjectStore"/> the host chose. The object keys depend only on the batch id and the
/// events' titles and hours, and the rows only on the events, so archiving a redelivered batch again replaces the
/// same objects with the same rows instead of adding copies. Events with the same id inside one batch are one row.
/// </summary>
public sealed class ParquetEventArchive : IEventArchive
{
    /// <summary>The IANA media type of Parquet files.</summary>
    public const string ContentType = "application/vnd.apache.parquet";

    private readonly IObjectStore store;
    private readonly ParquetEventArchiveOptions options;
    private readonly CompressionMethod compression;

    public ParquetEventArchive(IObjectStore store, ParquetEventArchiveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ParquetEventArchiveOptions();
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        this.store = store;
        this.options = options;
        compression = options.Compression == ArchiveCompression.Zstd ? CompressionMethod.Zstd : CompressionMethod.Snappy;
    }

    public async Task ArchiveAsync(string batchId, IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
    {
        ArchiveLayout.ValidateBatchId(batchId, nameof(batchId));
        ArgumentNullException.ThrowIfNull(events);
        var files = Split(batchId, events);
        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                var content = await EventParquetFile.WriteAsync(file.Events, compression, options.RowGroupSize, ct);
                await store.PutAsync(file.Key, content, ContentType, ct);
            });
    }

    /// <summary>The objects a batch becomes: one per (title, UTC hour), rows ordered by time then id, one row per id.</summary>
    internal static IReadOnlyList<ArchiveFile> Split(string batchId, IReadOnlyList<BackendEvent> events)
    {
        var groups = new Dictionary<(string Title, DateTime Hour), List<BackendEvent>>();
        var seen = new HashSet<(string Title, string Id)>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (!seen.Add((e.TitleId, e.Id)))
            {
                continue;
            }

            var time = e.Time.UtcDateTime;
            var hour = new DateTime(time.Year, time.Month, time.Day, time.Hour, 0, 0, DateTimeKind.Utc);
            if (!groups.TryGetValue((e.TitleId, hour), out var group))
            {
                groups[(e.TitleId, hour)] = group = [];
            }

            group.Add(e);
        }

        var files = new List<ArchiveFile>(groups.Count);
        foreach (var ((title, hour), group) in groups)
        {
            group.Sort(static (a, b) =>
            {
                var byTime = a.Time.UtcTicks.CompareTo(b.Time.UtcTicks);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
            });
            files.Add(new ArchiveFile(ArchiveLayout.ObjectKey(title, hour, batchId), group));
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return files;
    }

    internal sealed record ArchiveFile(string Key, IReadOnlyList<BackendEvent> Events);
}
