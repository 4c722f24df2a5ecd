using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// Group commit. Durable writes cost an fsync each (~180 µs on the target box), which caps one-at-a-time
/// commits far below the sign-in target. Instead, one thread takes everything queued (up to a cap), runs it in
/// ONE transaction and completes every caller only after that transaction's COMMIT returned: N writes share
/// one fsync, and while it runs the next batch gathers. Under light load a batch is a single write, so
/// latency stays one fsync.
/// </summary>
internal sealed partial class GroupCommitQueue
{
    private readonly Channel<IPendingWrite> queue = Channel.CreateUnbounded<IPendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly SqliteWriter writer;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly int maxWritesPerCommit;
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread thread;

    public GroupCommitQueue(SqliteWriter writer, TimeProvider time, ILogger logger, int maxWritesPerCommit)
    {
        this.writer = writer;
        this.time = time;
        this.logger = logger;
        this.maxWritesPerCommit = maxWritesPerCommit;

        // A dedicated thread: SQLite calls block (the fsync above all), and keeping them off the thread
        // pool means a slow disk cannot starve request handling.
        thread = new Thread(Run) { IsBackground = true, Name = "SQLite group commit" };
        thread.Start();
    }

    /// <summary>False once the queue is shutting down.</summary>
    public bool TryEnqueue(IPendingWrite write) => queue.Writer.TryWrite(write);

    /// <summary>Stops taking writes, commits everything already queued, and completes when the thread has ended.</summary>
    public Task DrainAsync()
    {
        queue.Writer.TryComplete();
        return stopped.Task;
    }

    private void Run()
    {
        var batch = new List<IPendingWrite>(maxWritesPerCommit);
        try
        {
            while (WaitForWrites())
            {
                while (batch.Count < maxWritesPerCommit && queue.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                }

                Commit(batch);
                batch.Clear();
            }

            stopped.TrySetResult();
        }
        catch (Exception exception)
        {
            // Only a bug gets here (Commit handles SQLite errors). Fail loudly rather than hang callers.
            LogWriterStopped(logger, exception);
            queue.Writer.TryComplete(exception);
            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            while (queue.Reader.TryRead(out var write))
            {
                write.Fail(exception);
            }

            // Every caller has its answer and the error is logged; let disposal go on closing connections.
            stopped.TrySetResult();
        }
    }

    private bool WaitForWrites()
    {
        var ready = queue.Reader.WaitToReadAsync();
        return ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();
    }

    private void Commit(List<IPendingWrite> batch)
    {
        try
        {
            writer.BeginBatch(time.GetUtcNow());
            foreach (var write in batch)
            {
                write.Execute(writer);
            }

            writer.CommitBatch();
        }
        catch (Exception exception)
        {
            LogBatchFailed(logger, batch.Count, exception);
            try
            {
                writer.RollbackBatch();
            }
            catch (Exception rollbackException)
            {
                LogRollbackFailed(logger, rollbackException);
            }

            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            return;
        }

        foreach (var write in batch)
        {
            write.Acknowledge();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "A group commit of {WriteCount} writes failed; none of them was applied")]
    private static partial void LogBatchFailed(ILogger logger, int writeCount, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Rolling back a failed group commit failed")]
    private static partial void LogRollbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "The SQLite writer thread stopped; the store accepts no more writes")]
    private static partial void LogWriterStopped(ILogger logger, Exception exception);
}
