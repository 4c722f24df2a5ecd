namespace GameBackend.Core.Storage;

/// <summary>
/// Checks the shape of what callers pass. Core validates user input before it reaches a store, so a
/// failure here is a programming error and surfaces as an <see cref="ArgumentException"/>, never as an outcome.
/// </summary>
public static class StoreArguments
{
    public static void ValidateKey(in ItemKey key, string parameterName)
    {
        ValidateText(key.TitleId, int.MaxValue, "title id", parameterName);
        ValidateText(key.Partition, ItemKey.MaxPartitionLength, "partition", parameterName);
        ValidateText(key.SortKey, ItemKey.MaxSortKeyLength, "sort key", parameterName);
    }

    public static void ValidateItem(NewItem item, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(item, parameterName);
        ValidateKey(item.Key, parameterName);
        if (item.Body is null)
        {
            throw new ArgumentException("The item has no body.", parameterName);
        }

        if (item.Body.Length > NewItem.MaxBodyBytes)
        {
            throw new ArgumentException($"The body of {item.Key} has {item.Body.Length} bytes; the limit is {NewItem.MaxBodyBytes}.", parameterName);
        }
    }

    public static void ValidateExpectedVersion(string expectedVersion, string parameterName) =>
        ArgumentException.ThrowIfNullOrEmpty(expectedVersion, parameterName);

    public static void ValidateTransaction(Transaction transaction, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(transaction, parameterName);
        var operations = transaction.Operations ?? throw new ArgumentException("The transaction has no operations.", parameterName);
        if (operations.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one operation.", parameterName);
        }

        if (operations.Count > Transaction.MaxOperations)
        {
            throw new ArgumentException($"A transaction holds at most {Transaction.MaxOperations} operations; this one has {operations.Count}.", parameterName);
        }

        var first = operations[0]?.Key ?? throw new ArgumentException("Operation 0 is null.", parameterName);
        var sortKeys = new HashSet<string>(operations.Count, StringComparer.Ordinal);
        for (var index = 0; index < operations.Count; index++)
        {
            var operation = operations[index] ?? throw new ArgumentException($"Operation {index} is null.", parameterName);
            switch (operation)
            {
                case TransactionOperation.Create create:
                    ValidateItem(create.Item, parameterName);
                    break;
                case TransactionOperation.Replace replace:
                    ValidateItem(replace.Item, parameterName);
                    ValidateExpectedVersion(replace.ExpectedVersion, parameterName);
                    break;
                case TransactionOperation.Delete delete:
                    ValidateKey(delete.ItemKey, parameterName);
                    ValidateExpectedVersion(delete.ExpectedVersion, parameterName);
                    break;
                case TransactionOperation.Check check:
                    ValidateKey(check.ItemKey, parameterName);
                    ValidateExpectedVersion(check.ExpectedVersion, parameterName);
                    break;
                default:
                    throw new ArgumentException($"Operation {index} has an unknown type {operation.GetType().Name}.", parameterName);
            }

            var key = operation.Key;
            if (!string.Equals(key.TitleId, first.TitleId, StringComparison.Ordinal)
                || !string.Equals(key.Partition, first.Partition, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Operation {index} ({key}) leaves the transaction's title and partition ({first.TitleId}/{first.Partition}).", parameterName);
            }

            if (!sortKeys.Add(key.SortKey))
            {
                throw new ArgumentException($"Operation {index} names {key} a second time.", parameterName);
            }
        }
    }

    public static void ValidateQuery(Query query, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(query, parameterName);
        ValidateText(query.TitleId, int.MaxValue, "title id", parameterName);
        ValidateText(query.Partition, ItemKey.MaxPartitionLength, "partition", parameterName);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, parameterName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, Query.MaxLimit, parameterName);
        switch (query.Condition)
        {
            case SortKeyCondition.AllKeys:
                break;
            case SortKeyCondition.Prefix prefix:
                ValidateBound(prefix.Value, "prefix", parameterName);
                break;
            case SortKeyCondition.Range range:
                if (range.From is not null)
                {
                    ValidateBound(range.From, "range start", parameterName);
                }

                if (range.To is not null)
                {
                    ValidateBound(range.To, "range end", parameterName);
                }

                break;
            default:
                throw new ArgumentException("The query has no sort-key condition.", parameterName);
        }
    }

    private static void ValidateBound(string? value, string what, string parameterName)
    {
        if (value is null)
        {
            throw new ArgumentException($"The {what} is null.", parameterName);
        }

        if (!IsWellFormedUtf16(value))
        {
            throw new ArgumentException($"The {what} holds an unpaired surrogate, which has no UTF-8 form.", parameterName);
        }
    }

    private static void ValidateText(string? value, int maxLength, string what, string parameterName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {what} is empty.", parameterName);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"The {what} has {value.Length} characters; the limit is {maxLength}.", parameterName);
        }

        // Every store keeps keys as UTF-8; an unpaired surrogate has no UTF-8 form (SQLite would replace it, so two
        // different keys could land on one row; DynamoDB refuses it).
        if (!IsWellFormedUtf16(value))
        {
            throw new ArgumentException($"The {what} holds an unpaired surrogate, which has no UTF-8 form.", parameterName);
        }
    }

    private static bool IsWellFormedUtf16(string value)
    {
        for (var index = 0; index < value.Length; index++)
        {
            var character = value[index];
            if (char.IsHighSurrogate(character))
            {
                if (index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]))
                {
                    return false;
                }

                index++;
            }
            else if (char.IsLowSurrogate(character))
            {
                return false;
            }
        }

        return true;
    }
}
