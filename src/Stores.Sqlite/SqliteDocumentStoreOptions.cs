namespace GameBackend.Stores.Sqlite;

/// <summary>
/// Where the embedded store keeps its single database file, and the few knobs that trade latency for
/// throughput. The defaults suit a small box running everything locally; the caller creates the folder
/// that holds <see cref="DatabasePath"/>, because a store that silently creates folders hides typos in
/// configuration.
/// </summary>
/// <param name="DatabasePath">The SQLite file; its <c>-wal</c> and <c>-shm</c> companions live beside it.</param>
public sealed record SqliteDocumentStoreOptions(string DatabasePath)
{
    /// <summary>
    /// Read connections kept open. WAL mode lets them read beside the single writer; each holds its own
    /// prepared statements, so a read never pays for opening a connection or parsing SQL.
    /// </summary>
    public int ReaderConnections { get; init; } = Math.Clamp(Environment.ProcessorCount * 2, 2, 32);

    /// <summary>
    /// The most writes one group commit carries. Bigger batches share one fsync among more callers;
    /// the cap keeps a burst from holding the write lock (and the callers' latency) for too long.
    /// </summary>
    public int MaxWritesPerCommit { get; init; } = 512;

    /// <summary>How often the sweeper looks for expired rows. Reads already hide them, so this only bounds disk use.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often committed WAL pages are copied back into the database file, off the writer's path.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Expired rows deleted per sweep commit. Small batches keep each sweep short, so writers queued
    /// behind it wait little; the sweeper repeats until a batch comes back short.
    /// </summary>
    public int SweepBatchSize { get; init; } = 256;

    /// <summary>Throws when an option cannot work, so a misconfigured host fails at start-up, not under load.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DatabasePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReaderConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWritesPerCommit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SweepInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CheckpointInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SweepBatchSize, 1);
    }
}
