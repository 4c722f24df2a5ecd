using System.Text;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// The port's argument rules (<see cref="Core.Storage.StoreArguments"/>, shared by every store) plus DynamoDB's own
/// limits. Core validates user input before it reaches a store, so a failure here is a programming error and surfaces as
/// an <see cref="ArgumentException"/>, never as an outcome.
/// </summary>
internal static class DynamoDbArguments
{
    public static void ValidateKey(in ItemKey key, string parameterName)
    {
        Core.Storage.StoreArguments.ValidateKey(key, parameterName);
        ValidatePartitionKeySize(key.TitleId, key.Partition, parameterName);
        ValidateSortKeySize(key.SortKey, "sort key", parameterName);
    }

    public static void ValidateItem(NewItem item, string parameterName)
    {
        Core.Storage.StoreArguments.ValidateItem(item, parameterName);
        ValidatePartitionKeySize(item.Key.TitleId, item.Key.Partition, parameterName);
        ValidateSortKeySize(item.Key.SortKey, "sort key", parameterName);
    }

    public static void ValidateExpectedVersion(string expectedVersion, string parameterName) =>
        Core.Storage.StoreArguments.ValidateExpectedVersion(expectedVersion, parameterName);

    public static void ValidateTransaction(Transaction transaction, string parameterName)
    {
        Core.Storage.StoreArguments.ValidateTransaction(transaction, parameterName);
        long bodyBytes = 0;
        foreach (var operation in transaction.Operations)
        {
            ValidatePartitionKeySize(operation.Key.TitleId, operation.Key.Partition, parameterName);
            ValidateSortKeySize(operation.Key.SortKey, "sort key", parameterName);
            bodyBytes += operation switch
            {
                TransactionOperation.Create create => create.Item.Body.Length,
                TransactionOperation.Replace replace => replace.Item.Body.Length,
                _ => 0,
            };
        }

        // TransactWriteItems refuses more than 4 MB of items in one call. Each item also carries its keys and
        // a few small attributes, so the check leaves room for them rather than letting DynamoDB refuse it.
        var estimated = bodyBytes + (transaction.Operations.Count * DynamoDbItem.MaxOverheadBytes);
        if (estimated > DynamoDbItem.MaxTransactionBytes)
        {
            throw new ArgumentException($"The transaction writes about {estimated} bytes; a DynamoDB transaction holds at most {DynamoDbItem.MaxTransactionBytes}.", parameterName);
        }
    }

    public static void ValidateQuery(Query query, string parameterName)
    {
        Core.Storage.StoreArguments.ValidateQuery(query, parameterName);
        ValidatePartitionKeySize(query.TitleId, query.Partition, parameterName);

        // DynamoDB refuses a key condition value longer than a sort key can be.
        switch (query.Condition)
        {
            case SortKeyCondition.Prefix prefix:
                ValidateSortKeySize(prefix.Value, "prefix", parameterName);
                break;
            case SortKeyCondition.Range range:
                if (range.From is not null)
                {
                    ValidateSortKeySize(range.From, "range start", parameterName);
                }

                if (range.To is not null)
                {
                    ValidateSortKeySize(range.To, "range end", parameterName);
                }

                break;
        }
    }

    /// <summary>The token's position, which must also fit a DynamoDB sort key (a forged longer one is refused as a bad token).</summary>
    public static string ReadLastSortKey(Query query, string token)
    {
        var lastSortKey = QueryContinuation.ReadLastSortKey(query, token);
        if (Encoding.UTF8.GetByteCount(lastSortKey) > DynamoDbItem.MaxSortKeyBytes)
        {
            throw new InvalidContinuationTokenException();
        }

        return lastSortKey;
    }

    /// <summary>
    /// DynamoDB caps a partition key at 2,048 UTF-8 bytes and a sort key at 1,024. The port counts UTF-16
    /// units (512 each), which stays under those limits for ASCII keys but not for every key: 512 units of
    /// U+0800..U+FFFF take 1,536 bytes. Such a key is refused here, before DynamoDB answers with a ValidationException.
    /// </summary>
    private static void ValidatePartitionKeySize(string titleId, string partition, string parameterName)
    {
        var bytes = DynamoDbItem.PartitionKeyByteCount(titleId, partition);
        if (bytes > DynamoDbItem.MaxPartitionKeyBytes)
        {
            throw new ArgumentException($"The title id and partition take {bytes} UTF-8 bytes as a DynamoDB partition key; the limit is {DynamoDbItem.MaxPartitionKeyBytes}.", parameterName);
        }
    }

    private static void ValidateSortKeySize(string sortKey, string what, string parameterName)
    {
        var bytes = Encoding.UTF8.GetByteCount(sortKey);
        if (bytes > DynamoDbItem.MaxSortKeyBytes)
        {
            throw new ArgumentException($"The {what} takes {bytes} UTF-8 bytes; DynamoDB's limit for a sort key is {DynamoDbItem.MaxSortKeyBytes}.", parameterName);
        }
    }
}
