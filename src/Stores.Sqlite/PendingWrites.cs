using GameBackend.Core.Storage;
using Microsoft.Data.Sqlite;

namespace GameBackend.Stores.Sqlite;

/// <summary>A write waiting in the group-commit queue.</summary>
internal interface IPendingWrite
{
    /// <summary>Runs inside the batch's open transaction, on the writer thread. Does not tell the caller yet.</summary>
    void Execute(SqliteWriter writer);

    /// <summary>Tells the caller the outcome; called only after COMMIT has returned, so the write is durable.</summary>
    void Acknowledge();

    /// <summary>Tells the caller the batch did not commit, so nothing this write did survived.</summary>
    void Fail(Exception exception);
}

/// <summary>
/// A queued write that is its own <see cref="TaskCompletionSource{TResult}"/>, so each write costs one
/// allocation for the queue entry and the caller's task together. Continuations run asynchronously so
/// callers' code never runs on (and never stalls) the writer thread.
/// </summary>
internal abstract class PendingWrite<TResult> : TaskCompletionSource<TResult>, IPendingWrite
{
    private readonly CancellationToken cancellationToken;
    private TResult? result;
    private Exception? error;
    private bool skipped;

    protected PendingWrite(CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.cancellationToken = cancellationToken;
    }

    public void Execute(SqliteWriter writer)
    {
        // Cancelled before it ran: nothing was written, so cancelling is an honest answer.
        if (cancellationToken.IsCancellationRequested)
        {
            skipped = true;
            return;
        }

        try
        {
            result = Apply(writer);
        }
        catch (SqliteException exception) when (writer.InTransaction)
        {
            // SQLite undid just the failing statement; the other writes of the batch can still commit.
            error = exception;
        }
    }

    public void Acknowledge()
    {
        if (skipped)
        {
            TrySetCanceled(cancellationToken);
        }
        else if (error is not null)
        {
            TrySetException(error);
        }
        else
        {
            TrySetResult(result!);
        }
    }

    public void Fail(Exception exception) => TrySetException(exception);

    protected abstract TResult Apply(SqliteWriter writer);
}

internal sealed class PendingCreate(NewItem item, CancellationToken cancellationToken)
    : PendingWrite<WriteResult>(cancellationToken)
{
    protected override WriteResult Apply(SqliteWriter writer) => writer.Create(item);
}

internal sealed class PendingReplace(NewItem item, string expectedVersion, CancellationToken cancellationToken)
    : PendingWrite<WriteResult>(cancellationToken)
{
    protected override WriteResult Apply(SqliteWriter writer) => writer.Replace(item, expectedVersion);
}

internal sealed class PendingDelete(ItemKey key, string expectedVersion, CancellationToken cancellationToken)
    : PendingWrite<WriteResult>(cancellationToken)
{
    protected override WriteResult Apply(SqliteWriter writer) => writer.Delete(key, expectedVersion);
}

internal sealed class PendingTransaction(Transaction transaction, CancellationToken cancellationToken)
    : PendingWrite<TransactionResult>(cancellationToken)
{
    protected override TransactionResult Apply(SqliteWriter writer) => writer.Transact(transaction);
}

internal sealed class PendingSweep(int limit, CancellationToken cancellationToken)
    : PendingWrite<int>(cancellationToken)
{
    protected override int Apply(SqliteWriter writer) => writer.SweepExpired(limit);
}
