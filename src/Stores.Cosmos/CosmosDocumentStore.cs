using System.Net;
using GameBackend.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// The document store on Azure Cosmos DB (NoSQL API). One container, partitioned on <c>/pk</c> = title and partition, so
/// a port partition is a Cosmos logical partition: point reads, partition-scoped queries and transactional batches all
/// stay inside it (<see cref="CosmosItem"/> has the layout).
/// <para>
/// Optimistic concurrency: every conditional write first reads the item (a point read), judges the port's condition on
/// it (version, expiry by the injected <see cref="TimeProvider"/>), and then writes with <c>IfMatchEtag</c> set to the
/// ETag it read, so the write lands only on exactly the state that was judged. A 412 means another writer came first;
/// the store reads again and judges again, so the answer is always the one for the item as it is. The port's version is
/// the item's own <c>ver</c>, not <c>_etag</c>: a transaction's check must fail the batch unless the item is at a version,
/// and Cosmos DB does not enforce conditions on reads inside a batch (azure-cosmos-dotnet-v3#1581), so a check is a
/// one-field patch guarded by <c>IfMatchEtag</c>, which changes <c>_etag</c> but leaves <c>ver</c> alone.
/// </para>
/// <para>
/// Expiry is judged by the store, because Cosmos DB's TTL deletion is lazy and runs on its own clock: an expired item is
/// absent for reads and queries and may be overwritten by create-if-absent even while it is still in the container.
/// </para>
/// Only stream APIs are used (no serializer on the hot path): documents are written with <c>Utf8JsonWriter</c> and read with
/// <c>JsonDocument</c>. The store does not own the <see cref="CosmosClient"/>; the host creates one per process.
/// </summary>
public sealed class CosmosDocumentStore : IDocumentStore
{
    /// <summary>
    /// How often a write is judged again after another writer changed the item in between. Each retry follows someone
    /// else's successful write, so the limit only stops a pathological hot item from spinning forever.
    /// </summary>
    private const int MaxAttempts = 25;

    private readonly Lazy<Container> container;
    private readonly TimeProvider time;

    public CosmosDocumentStore(CosmosClient client, CosmosDocumentStoreOptions options, TimeProvider timeProvider)
        : this(new Lazy<CosmosClient>(client), options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
    }

    /// <summary>Takes the client lazily, so a host that never touches the store never creates one (cold start).</summary>
    public CosmosDocumentStore(Lazy<CosmosClient> client, CosmosDocumentStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ValidateContainer();
        var database = options.Database;
        var containerName = options.Container;
        container = new Lazy<Container>(() => client.Value.GetContainer(database, containerName));
        time = timeProvider;
    }

    private Container Container => container.Value;

    private DateTimeOffset Now => time.GetUtcNow();

    public Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateKey(key, nameof(key));
        return GetCoreAsync(key, cancellationToken);
    }

    public Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateItem(item, nameof(item));
        return CreateCoreAsync(item, cancellationToken);
    }

    public Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateItem(item, nameof(item));
        StoreArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return ReplaceCoreAsync(item, expectedVersion, cancellationToken);
    }

    public Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateKey(key, nameof(key));
        StoreArguments.ValidateExpectedVersion(expectedVersion, nameof(expectedVersion));
        return DeleteCoreAsync(key, expectedVersion, cancellationToken);
    }

    public Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateTransaction(transaction, nameof(transaction));
        var operations = transaction.Operations;
        var versions = new string?[operations.Count];
        var documents = new byte[]?[operations.Count];
        var now = Now;
        long batchBytes = 0;
        for (var index = 0; index < operations.Count; index++)
        {
            var item = operations[index] switch
            {
                TransactionOperation.Create create => create.Item,
                TransactionOperation.Replace replace => replace.Item,
                _ => null,
            };
            if (item is not null)
            {
                versions[index] = CosmosItem.NewVersion();
                documents[index] = CosmosItem.ToDocument(item, versions[index]!, now);
                batchBytes += documents[index]!.Length;
            }

            batchBytes += CosmosArguments.BatchOperationOverheadBytes;
        }

        CosmosArguments.ValidateBatchSize(batchBytes, nameof(transaction));
        return TransactCoreAsync(operations, versions, documents, cancellationToken);
    }

    public Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default)
    {
        CosmosArguments.ValidateQuery(query, nameof(query));
        string? lastSortKey = null;
        if (query.ContinuationToken is not null)
        {
            lastSortKey = QueryContinuation.ReadLastSortKey(query, query.ContinuationToken);
            if (!SortKeyQuery.Contains(query.Condition, lastSortKey))
            {
                // Only a forged token gets here: every token this store makes ends on a key the query returned.
                throw new InvalidContinuationTokenException();
            }
        }

        return QueryCoreAsync(query, lastSortKey, cancellationToken);
    }

    private async Task<StoredItem?> GetCoreAsync(ItemKey key, CancellationToken cancellationToken)
    {
        var document = await ReadAsync(key, cancellationToken);
        return document is not null && document.IsLiveAt(Now) ? document.ToStoredItem(key.TitleId, key.Partition) : null;
    }

    /// <summary>The item as stored, expired or not; null when absent.</summary>
    private async Task<CosmosDocument?> ReadAsync(ItemKey key, CancellationToken cancellationToken)
    {
        using var response = await Container.ReadItemStreamAsync(
            CosmosItem.IdOf(key.SortKey), PartitionKeyOf(key), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await CosmosDocument.ReadAsync(response.Content, cancellationToken);
    }

    private async Task<WriteResult> CreateCoreAsync(NewItem item, CancellationToken cancellationToken)
    {
        var version = CosmosItem.NewVersion();
        var partitionKey = PartitionKeyOf(item.Key);
        for (var attempt = 1; ; attempt++)
        {
            var document = CosmosItem.ToDocument(item, version, Now);
            using (var created = await Container.CreateItemStreamAsync(new MemoryStream(document, writable: false), partitionKey, new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken))
            {
                if (created.IsSuccessStatusCode)
                {
                    return new WriteResult(WriteOutcome.Written, version);
                }

                if (created.StatusCode != HttpStatusCode.Conflict)
                {
                    created.EnsureSuccessStatusCode();
                }
            }

            // Something holds the id: a live item, an expired one Cosmos DB has not removed yet, or this very write
            // (the SDK retried a create whose first answer was lost).
            var current = await ReadAsync(item.Key, cancellationToken);
            if (current is not null)
            {
                if (current.Version == version)
                {
                    return new WriteResult(WriteOutcome.Written, version);
                }

                if (current.IsLiveAt(Now))
                {
                    return new WriteResult(WriteOutcome.AlreadyExists, current.Version);
                }

                using var replaced = await Container.ReplaceItemStreamAsync(
                    new MemoryStream(document, writable: false), CosmosItem.IdOf(item.Key.SortKey), partitionKey, IfMatch(current.ETag), cancellationToken);
                if (replaced.IsSuccessStatusCode)
                {
                    return new WriteResult(WriteOutcome.Written, version);
                }

                ThrowUnlessRaced(replaced);
            }

            GiveUpAfter(attempt);
        }
    }

    private async Task<WriteResult> ReplaceCoreAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken)
    {
        var version = CosmosItem.NewVersion();
        var partitionKey = PartitionKeyOf(item.Key);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(item.Key, cancellationToken);
            if (Judge(current, expectedVersion, version) is { } outcome)
            {
                return outcome;
            }

            var document = CosmosItem.ToDocument(item, version, Now);
            using var replaced = await Container.ReplaceItemStreamAsync(
                new MemoryStream(document, writable: false), CosmosItem.IdOf(item.Key.SortKey), partitionKey, IfMatch(current!.ETag), cancellationToken);
            if (replaced.IsSuccessStatusCode)
            {
                return new WriteResult(WriteOutcome.Written, version);
            }

            ThrowUnlessRaced(replaced);
            GiveUpAfter(attempt);
        }
    }

    private async Task<WriteResult> DeleteCoreAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(key, cancellationToken);
            if (Judge(current, expectedVersion, writtenVersion: null) is { } outcome)
            {
                return outcome;
            }

            using var deleted = await Container.DeleteItemStreamAsync(
                CosmosItem.IdOf(key.SortKey), PartitionKeyOf(key), IfMatch(current!.ETag), cancellationToken);
            if (deleted.IsSuccessStatusCode)
            {
                return new WriteResult(WriteOutcome.Written, null);
            }

            ThrowUnlessRaced(deleted);
            GiveUpAfter(attempt);
        }
    }

    /// <summary>
    /// The outcome of a versioned write decided by the item as read, or null when the write may go ahead. An item that
    /// already carries <paramref name="writtenVersion"/> holds this very write (an earlier attempt landed).
    /// </summary>
    private WriteResult? Judge(CosmosDocument? current, string expectedVersion, string? writtenVersion)
    {
        if (current is not null && writtenVersion is not null && current.Version == writtenVersion)
        {
            return new WriteResult(WriteOutcome.Written, writtenVersion);
        }

        if (current is null || !current.IsLiveAt(Now))
        {
            return new WriteResult(WriteOutcome.NotFound, null);
        }

        return current.Version == expectedVersion ? null : new WriteResult(WriteOutcome.VersionMismatch, current.Version);
    }

    private async Task<TransactionResult> TransactCoreAsync(
        IReadOnlyList<TransactionOperation> operations, string?[] versions, byte[]?[] documents, CancellationToken cancellationToken)
    {
        var first = operations[0].Key;
        var partitionKey = PartitionKeyOf(first);
        var ids = new string[operations.Count];
        for (var index = 0; index < operations.Count; index++)
        {
            ids[index] = CosmosItem.IdOf(operations[index].Key.SortKey);
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadManyAsync(first, ids, cancellationToken);
            var now = Now;

            // A batch is all or nothing, so one item carrying a version this transaction made means an earlier attempt
            // committed (its answer was lost).
            for (var index = 0; index < operations.Count; index++)
            {
                if (versions[index] is { } version && current.TryGetValue(ids[index], out var document) && document.Version == version)
                {
                    return TransactionResult.Success(versions);
                }
            }

            var batch = Container.CreateTransactionalBatch(partitionKey);
            for (var index = 0; index < operations.Count; index++)
            {
                current.TryGetValue(ids[index], out var document);
                var live = document is not null && document.IsLiveAt(now);
                switch (operations[index])
                {
                    case TransactionOperation.Create:
                        if (live)
                        {
                            return TransactionResult.Failure(index, WriteOutcome.AlreadyExists);
                        }

                        if (document is null)
                        {
                            batch.CreateItemStream(new MemoryStream(documents[index]!, writable: false), BatchNoContent());
                        }
                        else
                        {
                            batch.ReplaceItemStream(ids[index], new MemoryStream(documents[index]!, writable: false), BatchIfMatch(document.ETag));
                        }

                        break;
                    case TransactionOperation.Replace replace:
                        if (Fails(document, live, replace.ExpectedVersion) is { } replaceFailure)
                        {
                            return TransactionResult.Failure(index, replaceFailure);
                        }

                        batch.ReplaceItemStream(ids[index], new MemoryStream(documents[index]!, writable: false), BatchIfMatch(document!.ETag));
                        break;
                    case TransactionOperation.Delete delete:
                        if (Fails(document, live, delete.ExpectedVersion) is { } deleteFailure)
                        {
                            return TransactionResult.Failure(index, deleteFailure);
                        }

                        batch.DeleteItem(ids[index], BatchIfMatch(document!.ETag));
                        break;
                    case TransactionOperation.Check check:
                        if (Fails(document, live, check.ExpectedVersion) is { } checkFailure)
                        {
                            return TransactionResult.Failure(index, checkFailure);
                        }

                        // Conditional reads are not enforced inside a batch, so the check is a write of one field that
                        // fails the batch unless the item still has the ETag that was judged. It leaves 'ver' alone.
                        batch.PatchItem(
                            ids[index],
                            [PatchOperation.Set("/chk", Guid.NewGuid().ToString("N"))],
                            new TransactionalBatchPatchItemRequestOptions { IfMatchEtag = document!.ETag, EnableContentResponseOnWrite = false });
                        break;
                }
            }

            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return TransactionResult.Success(versions);
            }

            // 409, 412 or 404: an item changed between the read and the batch, which did nothing; judge again.
            if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound))
            {
                throw new CosmosException(
                    $"The transactional batch failed with {(int)response.StatusCode}: {response.ErrorMessage}",
                    response.StatusCode,
                    0,
                    response.ActivityId,
                    response.RequestCharge);
            }

            GiveUpAfter(attempt);
            await BackOffAsync(attempt, cancellationToken);
        }

        static WriteOutcome? Fails(CosmosDocument? document, bool live, string expectedVersion) =>
            !live ? WriteOutcome.NotFound : document!.Version != expectedVersion ? WriteOutcome.VersionMismatch : null;
    }

    /// <summary>The transaction's items as stored (without bodies), by id: one query inside the partition.</summary>
    private async Task<Dictionary<string, CosmosDocument>> ReadManyAsync(ItemKey first, string[] ids, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.id, c.sk, c.ver, c.exp, c._etag FROM c WHERE c.pk = @pk AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@pk", CosmosItem.PartitionKeyOf(first.TitleId, first.Partition))
            .WithParameter("@ids", ids);
        var found = new Dictionary<string, CosmosDocument>(ids.Length, StringComparer.Ordinal);
        using var iterator = Container.GetItemQueryStreamIterator(query, null, QueryOptions(first.TitleId, first.Partition, ids.Length));
        while (iterator.HasMoreResults)
        {
            using var page = await iterator.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            foreach (var document in await CosmosDocument.ReadPageAsync(page.Content, cancellationToken))
            {
                found[CosmosItem.IdOf(document.SortKey)] = document;
            }
        }

        return found;
    }

    /// <summary>
    /// One query for up to <c>Limit + 1</c> live items in sort-key order: the extra one says whether another page exists, so
    /// the last page ends with no token. TOP and ORDER BY on a single partition run directly on that partition (optimistic
    /// direct execution), with no query plan; the position comes from the port's token, never from Cosmos DB's.
    /// </summary>
    private async Task<QueryPage> QueryCoreAsync(Query query, string? lastSortKey, CancellationToken cancellationToken)
    {
        var wanted = query.Limit + 1;
        var now = Now;
        var definition = SortKeyQuery.Build(query, lastSortKey, now, wanted);
        var items = new List<StoredItem>(Math.Min(wanted, 128));
        using var iterator = Container.GetItemQueryStreamIterator(definition, null, QueryOptions(query.TitleId, query.Partition, wanted));
        while (iterator.HasMoreResults && items.Count < wanted)
        {
            using var page = await iterator.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            foreach (var document in await CosmosDocument.ReadPageAsync(page.Content, cancellationToken))
            {
                if (document.IsLiveAt(now) && items.Count < wanted)
                {
                    items.Add(document.ToStoredItem(query.TitleId, query.Partition));
                }
            }
        }

        if (items.Count < wanted)
        {
            return new QueryPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new QueryPage(items, QueryContinuation.Create(query, items[^1].Key.SortKey));
    }

    private static QueryRequestOptions QueryOptions(string titleId, string partition, int maxItems) => new()
    {
        PartitionKey = new PartitionKey(CosmosItem.PartitionKeyOf(titleId, partition)),
        MaxItemCount = maxItems,
        EnableOptimisticDirectExecution = true,
    };

    private static PartitionKey PartitionKeyOf(in ItemKey key) => new(CosmosItem.PartitionKeyOf(key.TitleId, key.Partition));

    private static ItemRequestOptions IfMatch(string etag) => new() { IfMatchEtag = etag, EnableContentResponseOnWrite = false };

    private static TransactionalBatchItemRequestOptions BatchIfMatch(string etag) => new() { IfMatchEtag = etag, EnableContentResponseOnWrite = false };

    private static TransactionalBatchItemRequestOptions BatchNoContent() => new() { EnableContentResponseOnWrite = false };

    /// <summary>412 (another ETag) and 404 (deleted in between) mean another writer came first; anything else is an error.</summary>
    private static void ThrowUnlessRaced(ResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound or HttpStatusCode.Conflict))
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private static void GiveUpAfter(int attempt)
    {
        if (attempt >= MaxAttempts)
        {
            throw new InvalidOperationException($"The item changed under {MaxAttempts} attempts in a row; giving up.");
        }
    }

    /// <summary>Full jitter up to 50 ms, in real time (the injected clock judges expiry, and tests move it by hand).</summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(50, 2 << Math.Min(attempt, 5)))), cancellationToken);
}
