namespace GameBackend.Core.Storage;

/// <summary>One operation inside a <see cref="Transaction"/>.</summary>
public abstract record TransactionOperation(ItemKey Key)
{
    /// <summary>Create-if-absent.</summary>
    public sealed record Create(NewItem Item) : TransactionOperation(Item.Key);

    /// <summary>Replace-if-version-matches.</summary>
    public sealed record Replace(NewItem Item, string ExpectedVersion) : TransactionOperation(Item.Key);

    /// <summary>Delete-if-version-matches.</summary>
    public sealed record Delete(ItemKey ItemKey, string ExpectedVersion) : TransactionOperation(ItemKey);

    /// <summary>Writes nothing, but fails the transaction unless the item is at this version.</summary>
    public sealed record Check(ItemKey ItemKey, string ExpectedVersion) : TransactionOperation(ItemKey);
}

/// <summary>Operations applied all or none, within one title and partition.</summary>
public sealed record Transaction(IReadOnlyList<TransactionOperation> Operations)
{
    /// <summary>Cosmos DB's transactional batch holds 100 operations; DynamoDB's transaction 100 items.</summary>
    public const int MaxOperations = 100;
}

/// <summary>
/// The outcome of a transaction. When it did not commit, <see cref="FailedIndex"/> names the first operation
/// whose condition failed and <see cref="FailedOutcome"/> says how; <see cref="Versions"/> holds each
/// operation's new version when it did commit (null for deletes and checks).
/// </summary>
public sealed record TransactionResult(bool Committed, int FailedIndex, WriteOutcome FailedOutcome, IReadOnlyList<string?> Versions)
{
    public static TransactionResult Success(IReadOnlyList<string?> versions) => new(true, -1, WriteOutcome.Written, versions);

    public static TransactionResult Failure(int index, WriteOutcome outcome) => new(false, index, outcome, []);
}
