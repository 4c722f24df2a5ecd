using System.Threading.Channels;
using GameBackend.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// The embedded document store: one SQLite file, so a studio can run the whole backend on one machine
/// with no database server. Writes go through a single connection with group commit (many callers share
/// one fsync, and each caller hears back only after its write is durable); reads use a small pool of
/// connections that WAL lets run beside the writer. Expiry is judged by the injected
/// <see cref="TimeProvider"/>; a background sweeper removes expired rows to reclaim space.
/// </summary>
public sealed partial class SqliteDocumentStore : IDocumentStore, IAsyncDisposable
{
    private readonly SqliteDocumentStoreOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SqliteWriter writer;
    private readonly GroupCommitQueue writes;
    private readonly Channel<SqliteReader> idleReaders = Channel.CreateUnbounded<SqliteReader>();
    private readonly List<SqliteReader> allReaders = [];
    private readonly CancellationTokenSource stopSweeping = new();
    private readonly WalCheckpointer checkpointer;
    private readonly Task sweeping;
    private int disposeState;

    /// <summary>Opens (or creates) the database file; the folder holding it must exist.</summary>
    public SqliteDocumentStore(SqliteDocumentStoreOptions options, TimeProvider timeProvider, ILogger<SqliteDocumentStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        this.options = options;
        time = timeProvider;
        this.logger = logger ?? NullLogger<SqliteDocumentStore>.Instance;

        writer = new SqliteWriter(options.DatabasePath);
        try
        {
            for (var index = 0; index < options.ReaderConnections; index++)
            {
                var reader = new SqliteReader(options.DatabasePath);
                allReaders.Add(reader);
                idleReaders.Writer.TryWrite(reader);
            }
        }
        catch
        {
            foreach (var reader in allReaders)
            {
                reader.Dispose();
            }

            writer.Dispose();
            throw;
        }

        writes = new GroupCommitQueue(writer, time, this.logger, options.MaxWritesPerCommit);
        checkpointer = new WalCheckpointer(options.DatabasePath, options.CheckpointInterval, this.logger);

        // The timer is created here, before anything can advance a test clock, so no tick is missed.
        var sweepTimer = new PeriodicTimer(options.SweepInterval, time);
        sweeping = SweepAsync(sweepTimer, stopSweeping.Token);
        LogOpened(this.logger, options.DatabasePath, options.ReaderConnections);
    }

    public Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateKey(key, nameof(key));
        return GetCoreAsync(key, cancellationToken);
    }

    public Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateItem(item, nameof(item));
        return Enqueue(new PendingCreate(item, cancellationToken), cancellationToken);
    }

    public Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateItem(item, nameof(item));
        StoreArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return Enqueue(new PendingReplace(item, expectedVersion, cancellationToken), cancellationToken);
    }

    public Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateKey(key, nameof(key));
        StoreArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return Enqueue(new PendingDelete(key, expectedVersion, cancellationToken), cancellationToken);
    }

    public Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateTransaction(transaction, nameof(transaction));
        return Enqueue(new PendingTransaction(transaction, cancellationToken), cancellationToken);
    }

    public Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateQuery(query, nameof(query));
        var range = SortKeyRange.For(query.Condition);
        if (query.ContinuationToken is not null)
        {
            var lastSortKey = QueryContinuation.ReadLastSortKey(query, query.ContinuationToken);
            range = range.ContinuingAfter(lastSortKey, query.Descending);
        }

        return QueryCoreAsync(query, range, cancellationToken);
    }

    /// <summary>How many background WAL checkpoints have run (for tests).</summary>
    internal int BackgroundCheckpoints => checkpointer.Completed;

    /// <summary>
    /// Stops taking writes, commits everything already queued (callers awaiting them still hear back),
    /// stops the sweeper, checkpoints the WAL into the database file and closes every connection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposeState, 1) != 0)
        {
            return;
        }

        await stopSweeping.CancelAsync();
        await sweeping;
        await writes.DrainAsync();

        // Wait for reads in progress to hand their connection back, then refuse new ones.
        for (var index = 0; index < allReaders.Count; index++)
        {
            var reader = await idleReaders.Reader.ReadAsync();
            reader.Dispose();
        }

        idleReaders.Writer.TryComplete();
        checkpointer.Dispose();

        try
        {
            writer.Checkpoint();
        }
        catch (Microsoft.Data.Sqlite.SqliteException exception)
        {
            // Not fatal: the WAL is durable and the next open replays it.
            LogCheckpointFailed(logger, exception);
        }

        writer.Dispose();
        stopSweeping.Dispose();
        LogClosed(logger, options.DatabasePath);
    }

    private Task<TResult> Enqueue<TResult>(PendingWrite<TResult> write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        if (!writes.TryEnqueue(write))
        {
            return Task.FromException<TResult>(new ObjectDisposedException(nameof(SqliteDocumentStore)));
        }

        return write.Task;
    }

    private async Task<StoredItem?> GetCoreAsync(ItemKey key, CancellationToken cancellationToken)
    {
        var reader = await RentReaderAsync(cancellationToken);
        try
        {
            return reader.Get(key, time.GetUtcNow());
        }
        finally
        {
            idleReaders.Writer.TryWrite(reader);
        }
    }

    private async Task<QueryPage> QueryCoreAsync(Query query, SortKeyRange range, CancellationToken cancellationToken)
    {
        var reader = await RentReaderAsync(cancellationToken);
        try
        {
            return reader.Query(query, range, time.GetUtcNow());
        }
        finally
        {
            idleReaders.Writer.TryWrite(reader);
        }
    }

    private async ValueTask<SqliteReader> RentReaderAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposeState) != 0, this);
        if (idleReaders.Reader.TryRead(out var reader))
        {
            return reader;
        }

        try
        {
            return await idleReaders.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw new ObjectDisposedException(nameof(SqliteDocumentStore), exception);
        }
    }

    /// <summary>
    /// Reads already hide expired items, so sweeping only reclaims space. Each pass deletes small batches
    /// through the ordinary write queue (never a second writer) and repeats until a batch comes back short,
    /// so a backlog clears without one long transaction holding up sign-ins.
    /// </summary>
    private async Task SweepAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(stopping))
                {
                    try
                    {
                        int deleted;
                        var total = 0;
                        do
                        {
                            var sweep = new PendingSweep(options.SweepBatchSize, stopping);
                            deleted = await Enqueue(sweep, stopping);
                            total += deleted;
                        }
                        while (deleted == options.SweepBatchSize);

                        if (total > 0)
                        {
                            LogSwept(logger, total);
                        }
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        LogSweepFailed(logger, exception);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Disposal stops the sweeper; nothing to clean up.
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Opened SQLite document store {DatabasePath} with {ReaderConnections} read connections")]
    private static partial void LogOpened(ILogger logger, string databasePath, int readerConnections);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Closed SQLite document store {DatabasePath}")]
    private static partial void LogClosed(ILogger logger, string databasePath);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Swept {DeletedCount} expired items")]
    private static partial void LogSwept(ILogger logger, int deletedCount);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Sweeping expired items failed; the next tick retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "The closing WAL checkpoint failed; the next open replays the WAL")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
