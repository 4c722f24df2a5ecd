using GameBackend.Core.Events;

namespace GameBackend.Core.Analytics;

/// <summary>
/// Where raw events are kept for later SQL over files (Athena, BigQuery, Synapse external tables). The archive decides
/// the file format (Parquet) and the layout: <c>events/title={title}/date={yyyy-MM-dd}/hour={HH}/{batchId}.parquet</c>,
/// Hive-style partitions every one of those engines understands. Writing the same batch id again
/// replaces the same objects, so a redelivered batch adds no rows.
/// </summary>
public interface IEventArchive
{
    Task ArchiveAsync(string batchId, IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>
/// The object-storage port under the archive: a local folder (Hosts.Local), S3, Blob Storage, Cloud Storage. Keys are
/// relative paths with '/' separators. A put that returns is durable; putting an existing key replaces it.
/// </summary>
public interface IObjectStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>The object's bytes, or null when there is none.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
