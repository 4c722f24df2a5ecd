namespace GameBackend.Core.Storage;

/// <summary>
/// The document-store port. Shaped after what DynamoDB, Cosmos DB and Firestore all do natively, so
/// each adapter maps it one-to-one instead of emulating it:
/// <list type="bullet">
/// <item>an item lives at (title, partition, sort key); the title is always part of the key, so no
/// call can reach another title's data;</item>
/// <item>every item carries an opaque version (DynamoDB version attribute, Cosmos ETag, Firestore
/// update time); writers state the version they expect and a mismatch is an outcome, not an exception;</item>
/// <item>queries stay inside one (title, partition) and range over the sort key in order;</item>
/// <item>multi-item transactions stay inside one (title, partition), the unit Cosmos DB can batch;</item>
/// <item>items may expire; an expired item is absent for every read and for create-if-absent, even
/// before the store physically removes it (DynamoDB TTL and Cosmos TTL delete lazily).</item>
/// </list>
/// Every write that returns has been made durable by the store.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Reads one item; null when it is absent or expired.</summary>
    Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default);

    /// <summary>Creates the item only if no live item has its key (an expired one counts as absent).</summary>
    Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default);

    /// <summary>Replaces the item only if its current version is <paramref name="expectedVersion"/>.</summary>
    Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes the item only if its current version is <paramref name="expectedVersion"/>.</summary>
    Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies all operations or none. All of them must name the same title and partition, and a key
    /// may appear at most once; at most <see cref="Transaction.MaxOperations"/> operations.
    /// </summary>
    Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default);

    /// <summary>Reads one partition's live items in sort-key order, a page at a time.</summary>
    Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default);
}
