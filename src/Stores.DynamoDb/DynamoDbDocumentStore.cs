using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// The document store on DynamoDB, one call per port operation where DynamoDB allows it: conditional
/// PutItem/DeleteItem for optimistic concurrency, TransactWriteItems for transactions, Query for queries,
/// strongly consistent reads throughout (the port promises that a write is visible to the next read).
/// <para>
/// Expiry is judged by the injected <see cref="TimeProvider"/> against the item's exact expiry, in reads and
/// in every write condition, because DynamoDB's TTL deletion is lazy: an expired item may stay in the table
/// for days and must be absent all the same (and may be overwritten by create-if-absent).
/// </para>
/// <para>
/// Failed conditions ask for the item as it was (<c>ReturnValuesOnConditionCheckFailure = ALL_OLD</c>), so
/// NotFound and VersionMismatch are told apart by the same request, with no second read that could race.
/// It also makes writes safe under the SDK's own retries: if a write landed but its answer was lost, the
/// retry fails its condition and finds the version this write made, which is then reported as written.
/// </para>
/// The store does not own <see cref="IAmazonDynamoDB"/>; the host creates one client for the process.
/// </summary>
public sealed class DynamoDbDocumentStore : IDocumentStore
{
    private const string LiveCondition = "(attribute_not_exists(#exp) OR #exp > :now)";
    private const string AbsentOrExpiredCondition = "attribute_not_exists(#pk) OR #exp <= :now";
    private const string VersionCondition = "#version = :expected AND " + LiveCondition;

    /// <summary>
    /// How often a write that collided with a concurrent transaction is tried again. The colliding request
    /// did nothing, so trying again is safe; the limit only keeps a pathological hot item from spinning forever.
    /// </summary>
    private const int MaxConflictAttempts = 25;

    private readonly IAmazonDynamoDB client;
    private readonly string tableName;
    private readonly TimeProvider time;

    public DynamoDbDocumentStore(IAmazonDynamoDB client, DynamoDbDocumentStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        this.client = client;
        tableName = options.TableName;
        time = timeProvider;
    }

    public Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateKey(key, nameof(key));
        return GetCoreAsync(key, cancellationToken);
    }

    public Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateItem(item, nameof(item));
        return CreateCoreAsync(item, cancellationToken);
    }

    public Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateItem(item, nameof(item));
        DynamoDbArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return ReplaceCoreAsync(item, expectedVersion, cancellationToken);
    }

    public Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateKey(key, nameof(key));
        DynamoDbArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return DeleteCoreAsync(key, expectedVersion, cancellationToken);
    }

    public Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateTransaction(transaction, nameof(transaction));
        return TransactCoreAsync(transaction, cancellationToken);
    }

    public Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default)
    {
        DynamoDbArguments.ValidateQuery(query, nameof(query));
        var bounds = SortKeyBounds.For(query.Condition);
        string? lastSortKey = null;
        if (query.ContinuationToken is not null)
        {
            lastSortKey = DynamoDbArguments.ReadLastSortKey(query, query.ContinuationToken);
            if (!bounds.Contains(lastSortKey))
            {
                // Only a forged token gets here: every token this store makes ends on a key the query returned.
                throw new InvalidContinuationTokenException();
            }
        }

        return bounds.MatchesNothing
            ? Task.FromResult(new QueryPage([], null))
            : QueryCoreAsync(query, bounds, lastSortKey, cancellationToken);
    }

    private long NowTicks => time.GetUtcNow().UtcTicks;

    private async Task<StoredItem?> GetCoreAsync(ItemKey key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = DynamoDbItem.KeyOf(key), ConsistentRead = true },
            cancellationToken);
        var live = DynamoDbItem.LiveOrNull(response.Item, NowTicks);
        return live is null ? null : DynamoDbItem.ToStoredItem(key, live);
    }

    private Task<WriteResult> CreateCoreAsync(NewItem item, CancellationToken cancellationToken)
    {
        var version = DynamoDbItem.NewVersion();
        return RetryOnConflictAsync(async () =>
        {
            var request = new PutItemRequest
            {
                TableName = tableName,
                Item = DynamoDbItem.ToAttributes(item, version),
                ConditionExpression = AbsentOrExpiredCondition,
                ExpressionAttributeNames = new() { ["#pk"] = DynamoDbItem.PartitionKey, ["#exp"] = DynamoDbItem.ExpiresAt },
                ExpressionAttributeValues = new() { [":now"] = DynamoDbItem.Number(NowTicks) },
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            };
            try
            {
                await client.PutItemAsync(request, cancellationToken);
                return new WriteResult(WriteOutcome.Written, version);
            }
            catch (ConditionalCheckFailedException failed)
            {
                return CreateFailure(failed.Item, version);
            }
        }, cancellationToken);
    }

    private Task<WriteResult> ReplaceCoreAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken)
    {
        var version = DynamoDbItem.NewVersion();
        return RetryOnConflictAsync(async () =>
        {
            var request = new PutItemRequest
            {
                TableName = tableName,
                Item = DynamoDbItem.ToAttributes(item, version),
                ConditionExpression = VersionCondition,
                ExpressionAttributeNames = VersionConditionNames(),
                ExpressionAttributeValues = VersionConditionValues(expectedVersion),
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            };
            try
            {
                await client.PutItemAsync(request, cancellationToken);
                return new WriteResult(WriteOutcome.Written, version);
            }
            catch (ConditionalCheckFailedException failed)
            {
                return VersionedFailure(failed.Item, version);
            }
        }, cancellationToken);
    }

    private Task<WriteResult> DeleteCoreAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken) =>
        RetryOnConflictAsync(async () =>
        {
            var request = new DeleteItemRequest
            {
                TableName = tableName,
                Key = DynamoDbItem.KeyOf(key),
                ConditionExpression = VersionCondition,
                ExpressionAttributeNames = VersionConditionNames(),
                ExpressionAttributeValues = VersionConditionValues(expectedVersion),
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            };
            try
            {
                await client.DeleteItemAsync(request, cancellationToken);
                return new WriteResult(WriteOutcome.Written, null);
            }
            catch (ConditionalCheckFailedException failed)
            {
                // A delete makes no version, so a retried delete whose first attempt landed reads as NotFound.
                return VersionedFailure(failed.Item, writtenVersion: null);
            }
        }, cancellationToken);

    private async Task<TransactionResult> TransactCoreAsync(Transaction transaction, CancellationToken cancellationToken)
    {
        var operations = transaction.Operations;
        var versions = new string?[operations.Count];
        for (var index = 0; index < operations.Count; index++)
        {
            versions[index] = operations[index] is TransactionOperation.Create or TransactionOperation.Replace ? DynamoDbItem.NewVersion() : null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var request = new TransactWriteItemsRequest
            {
                TransactItems = new List<TransactWriteItem>(operations.Count),

                // The SDK resends the same token when it retries this request, so a transaction that committed
                // but whose answer was lost is not applied twice (DynamoDB remembers tokens for 10 minutes).
                ClientRequestToken = Guid.NewGuid().ToString("N"),
            };
            var now = NowTicks;
            for (var index = 0; index < operations.Count; index++)
            {
                request.TransactItems.Add(ToTransactWriteItem(operations[index], versions[index], now));
            }

            try
            {
                await client.TransactWriteItemsAsync(request, cancellationToken);
                return TransactionResult.Success(versions);
            }
            catch (TransactionCanceledException cancelled)
            {
                var reasons = cancelled.CancellationReasons ?? [];
                for (var index = 0; index < reasons.Count && index < operations.Count; index++)
                {
                    if (reasons[index].Code == "ConditionalCheckFailed")
                    {
                        var outcome = operations[index] is TransactionOperation.Create
                            ? WriteOutcome.AlreadyExists
                            : VersionedFailure(reasons[index].Item, writtenVersion: null).Outcome;
                        return TransactionResult.Failure(index, outcome);
                    }
                }

                // No condition failed: the transaction collided with another one (or was throttled) and did
                // nothing, so it is tried again with a fresh token.
                if (attempt >= MaxConflictAttempts || !reasons.All(reason => IsTransient(reason.Code)))
                {
                    throw;
                }
            }

            await BackOffAsync(attempt, cancellationToken);
        }
    }

    private TransactWriteItem ToTransactWriteItem(TransactionOperation operation, string? version, long now)
    {
        var nowValue = DynamoDbItem.Number(now);
        return operation switch
        {
            TransactionOperation.Create create => new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = tableName,
                    Item = DynamoDbItem.ToAttributes(create.Item, version!),
                    ConditionExpression = AbsentOrExpiredCondition,
                    ExpressionAttributeNames = new() { ["#pk"] = DynamoDbItem.PartitionKey, ["#exp"] = DynamoDbItem.ExpiresAt },
                    ExpressionAttributeValues = new() { [":now"] = nowValue },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            },
            TransactionOperation.Replace replace => new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = tableName,
                    Item = DynamoDbItem.ToAttributes(replace.Item, version!),
                    ConditionExpression = VersionCondition,
                    ExpressionAttributeNames = VersionConditionNames(),
                    ExpressionAttributeValues = VersionConditionValues(replace.ExpectedVersion, nowValue),
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            },
            TransactionOperation.Delete delete => new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = tableName,
                    Key = DynamoDbItem.KeyOf(delete.ItemKey),
                    ConditionExpression = VersionCondition,
                    ExpressionAttributeNames = VersionConditionNames(),
                    ExpressionAttributeValues = VersionConditionValues(delete.ExpectedVersion, nowValue),
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            },
            TransactionOperation.Check check => new TransactWriteItem
            {
                ConditionCheck = new ConditionCheck
                {
                    TableName = tableName,
                    Key = DynamoDbItem.KeyOf(check.ItemKey),
                    ConditionExpression = VersionCondition,
                    ExpressionAttributeNames = VersionConditionNames(),
                    ExpressionAttributeValues = VersionConditionValues(check.ExpectedVersion, nowValue),
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            },
            _ => throw new ArgumentException($"Unknown transaction operation {operation.GetType().Name}.", nameof(operation)),
        };
    }

    /// <summary>
    /// Reads up to <c>Limit + 1</c> live items: the extra one says whether another page exists, so the last
    /// page ends with no token (DynamoDB itself hands out a LastEvaluatedKey whenever it stopped at its limit).
    /// Expired items are filtered by DynamoDB but still count against its per-request limit (and read
    /// capacity), so a page may take several requests.
    /// </summary>
    private async Task<QueryPage> QueryCoreAsync(Query query, SortKeyBounds bounds, string? lastSortKey, CancellationToken cancellationToken)
    {
        var partitionKey = DynamoDbItem.PartitionKeyOf(query.TitleId, query.Partition);
        var names = new Dictionary<string, string> { ["#pk"] = DynamoDbItem.PartitionKey, ["#exp"] = DynamoDbItem.ExpiresAt };
        var values = new Dictionary<string, AttributeValue>
        {
            [":pk"] = new AttributeValue { S = partitionKey },
            [":now"] = DynamoDbItem.Number(NowTicks),
        };
        var keyCondition = "#pk = :pk";
        if (bounds.Expression is not null)
        {
            keyCondition += " AND " + bounds.Expression;
            names["#sk"] = DynamoDbItem.SortKey;
            bounds.AddValues(values);
        }

        Dictionary<string, AttributeValue>? startKey = lastSortKey is null
            ? null
            : new() { [DynamoDbItem.PartitionKey] = new AttributeValue { S = partitionKey }, [DynamoDbItem.SortKey] = new AttributeValue { S = lastSortKey } };
        var wanted = query.Limit + 1;
        var items = new List<StoredItem>(Math.Min(wanted, 128));
        do
        {
            var response = await client.QueryAsync(
                new QueryRequest
                {
                    TableName = tableName,
                    KeyConditionExpression = keyCondition,
                    FilterExpression = LiveCondition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ScanIndexForward = !query.Descending,
                    ConsistentRead = true,
                    Limit = wanted - items.Count,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken);
            foreach (var attributes in response.Items ?? [])
            {
                var key = new ItemKey(query.TitleId, query.Partition, attributes[DynamoDbItem.SortKey].S);
                items.Add(DynamoDbItem.ToStoredItem(key, attributes));
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (startKey is not null && items.Count < wanted);

        if (items.Count < wanted)
        {
            return new QueryPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new QueryPage(items, QueryContinuation.Create(query, items[^1].Key.SortKey));
    }

    /// <summary>Create-if-absent failed: a live item holds the key, unless it holds this very write (an SDK retry of a write that landed).</summary>
    private WriteResult CreateFailure(Dictionary<string, AttributeValue>? current, string writtenVersion)
    {
        var currentVersion = DynamoDbItem.VersionOf(DynamoDbItem.LiveOrNull(current, NowTicks));
        return currentVersion == writtenVersion
            ? new WriteResult(WriteOutcome.Written, writtenVersion)
            : new WriteResult(WriteOutcome.AlreadyExists, currentVersion);
    }

    /// <summary>A version condition failed: the item is gone or expired (NotFound), or has another version.</summary>
    private WriteResult VersionedFailure(Dictionary<string, AttributeValue>? current, string? writtenVersion)
    {
        var live = DynamoDbItem.LiveOrNull(current, NowTicks);
        if (live is null)
        {
            return new WriteResult(WriteOutcome.NotFound, null);
        }

        var currentVersion = DynamoDbItem.VersionOf(live);
        return writtenVersion is not null && currentVersion == writtenVersion
            ? new WriteResult(WriteOutcome.Written, writtenVersion)
            : new WriteResult(WriteOutcome.VersionMismatch, currentVersion);
    }

    private static Dictionary<string, string> VersionConditionNames() => new()
    {
        ["#version"] = DynamoDbItem.Version,
        ["#exp"] = DynamoDbItem.ExpiresAt,
    };

    private Dictionary<string, AttributeValue> VersionConditionValues(string expectedVersion, AttributeValue? now = null) => new()
    {
        [":expected"] = new AttributeValue { S = expectedVersion },
        [":now"] = now ?? DynamoDbItem.Number(NowTicks),
    };

    private static bool IsTransient(string? code) =>
        code is null or "None" or "TransactionConflict" or "ThrottlingError" or "ProvisionedThroughputExceeded" or "RequestLimitExceeded";

    /// <summary>
    /// A single-item write that meets a transaction in progress on its item is refused with
    /// TransactionConflictException and did nothing, so it is tried again after a short random pause.
    /// </summary>
    private static async Task<WriteResult> RetryOnConflictAsync(Func<Task<WriteResult>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (TransactionConflictException) when (attempt < MaxConflictAttempts)
            {
                await BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Full jitter, capped at 100 ms. Real time on purpose: the injected <see cref="TimeProvider"/> judges
    /// expiry (tests move it by hand), while a pause between attempts must actually pass.
    /// </summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken)
    {
        var ceiling = Math.Min(100, 2 << Math.Min(attempt, 6));
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceiling)), cancellationToken);
    }
}
