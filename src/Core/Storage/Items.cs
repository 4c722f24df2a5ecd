namespace GameBackend.Core.Storage;

/// <summary>
/// Where an item lives. <see cref="TitleId"/> scopes everything (tenancy); <see cref="Partition"/> groups
/// items that are queried or written together; <see cref="SortKey"/> orders them within the partition
/// (ordinal, byte-wise order of the UTF-8 text).
/// </summary>
public readonly record struct ItemKey(string TitleId, string Partition, string SortKey)
{
    /// <summary>Limits every store can hold (DynamoDB keys are at most 1 KiB for the sort key).</summary>
    public const int MaxPartitionLength = 512;

    /// <inheritdoc cref="MaxPartitionLength"/>
    public const int MaxSortKeyLength = 512;

    public override string ToString() => $"{TitleId}/{Partition}/{SortKey}";
}

/// <summary>An item as stored: the UTF-8 JSON body, its version, and when it expires (if ever).</summary>
public sealed record StoredItem(ItemKey Key, byte[] Body, string Version, DateTimeOffset? ExpiresAt);

/// <summary>An item to write. The store assigns the version.</summary>
public sealed record NewItem(ItemKey Key, byte[] Body, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The largest body any store accepts (DynamoDB's item limit is 400 KB with overhead).</summary>
    public const int MaxBodyBytes = 350 * 1024;
}

/// <summary>How a conditional write ended.</summary>
public enum WriteOutcome
{
    /// <summary>The write was applied and is durable.</summary>
    Written,
    /// <summary>Create-if-absent found a live item with that key.</summary>
    AlreadyExists,
    /// <summary>The item exists but has another version than the writer expected.</summary>
    VersionMismatch,
    /// <summary>Replace or delete found no live item.</summary>
    NotFound,
}

/// <summary>
/// The outcome of one write. On <see cref="WriteOutcome.Written"/>, <see cref="Version"/> is the new version
/// (null after a delete); on <see cref="WriteOutcome.AlreadyExists"/> or <see cref="WriteOutcome.VersionMismatch"/>
/// it is the current version when the store can tell it cheaply (it may be null).
/// </summary>
public readonly record struct WriteResult(WriteOutcome Outcome, string? Version)
{
    public bool Succeeded => Outcome == WriteOutcome.Written;
}
