using GameBackend.Core.Storage;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// The port's argument rules (<see cref="StoreArguments"/>, shared by every store) plus Cosmos DB's own limits. A failure
/// here is a programming error and surfaces as an <see cref="ArgumentException"/>, never as an outcome.
/// </summary>
internal static class CosmosArguments
{
    /// <summary>
    /// A transactional batch may carry at most 2 MB. Counted in decimal and with room for the batch framing, so the check
    /// refuses a batch before Cosmos DB would.
    /// </summary>
    public const int MaxBatchBytes = 2_000_000;

    /// <summary>What one operation adds to a batch beside its document: id, partition key, condition, framing.</summary>
    public const int BatchOperationOverheadBytes = 1024;

    public static void ValidateKey(in ItemKey key, string parameterName)
    {
        StoreArguments.ValidateKey(key, parameterName);
        ValidatePartitionKeySize(key.TitleId, key.Partition, parameterName);
    }

    public static void ValidateItem(NewItem item, string parameterName)
    {
        StoreArguments.ValidateItem(item, parameterName);
        ValidatePartitionKeySize(item.Key.TitleId, item.Key.Partition, parameterName);
    }

    public static void ValidateTransaction(Transaction transaction, string parameterName)
    {
        StoreArguments.ValidateTransaction(transaction, parameterName);
        var first = transaction.Operations[0].Key;
        ValidatePartitionKeySize(first.TitleId, first.Partition, parameterName);
    }

    public static void ValidateBatchSize(long bytes, string parameterName)
    {
        if (bytes > MaxBatchBytes)
        {
            throw new ArgumentException($"The transaction writes about {bytes} bytes; a Cosmos DB transactional batch holds at most {MaxBatchBytes}.", parameterName);
        }
    }

    public static void ValidateQuery(Query query, string parameterName)
    {
        StoreArguments.ValidateQuery(query, parameterName);
        ValidatePartitionKeySize(query.TitleId, query.Partition, parameterName);
    }

    /// <summary>Cosmos DB caps a partition key value at 2,048 bytes (with large partition keys, which the container must use).</summary>
    private static void ValidatePartitionKeySize(string titleId, string partition, string parameterName)
    {
        var bytes = CosmosItem.PartitionKeyByteCount(titleId, partition);
        if (bytes > CosmosItem.MaxPartitionKeyBytes)
        {
            throw new ArgumentException($"The title id and partition take {bytes} UTF-8 bytes as a Cosmos DB partition key; the limit is {CosmosItem.MaxPartitionKeyBytes}.", parameterName);
        }
    }
}
