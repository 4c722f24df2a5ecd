using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// Copies committed pages from the WAL back into the database file on a connection of its own, beside the
/// writer. Left to SQLite's automatic checkpoint, that copy (and its fsync of the database file) runs inside
/// whichever commit crosses the threshold, and every write queued behind that commit waits for it: under
/// sign-in load that showed as p99 spikes of tens of milliseconds. A PASSIVE checkpoint never blocks the
/// writer or the readers; the writer's own automatic checkpoint stays as a backstop at a much larger size.
/// </summary>
internal sealed partial class WalCheckpointer : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand checkpoint;
    private readonly TimeSpan interval;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    public WalCheckpointer(string databasePath, TimeSpan interval, ILogger logger)
    {
        this.interval = interval;
        this.logger = logger;
        connection = SqliteDatabase.Open(databasePath);
        checkpoint = SqliteDatabase.Prepare(connection, "PRAGMA wal_checkpoint(PASSIVE);");

        // A thread of its own: the checkpoint's file I/O is synchronous and must not hold a thread-pool thread.
        thread = new Thread(Run) { IsBackground = true, Name = "sqlite-wal-checkpoint" };
        thread.Start();
    }

    /// <summary>How many checkpoints have run; lets tests see the loop working.</summary>
    public int Completed => Volatile.Read(ref completed);

    private int completed;

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        checkpoint.Dispose();
        connection.Dispose();
        stop.Dispose();
    }

    private void Run()
    {
        while (!stop.Token.WaitHandle.WaitOne(interval))
        {
            try
            {
                checkpoint.ExecuteNonQuery();
                Interlocked.Increment(ref completed);
            }
            catch (SqliteException exception)
            {
                // Not fatal: the WAL keeps every commit, and the next tick (or the writer's backstop) tries again.
                LogCheckpointFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "A background WAL checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
