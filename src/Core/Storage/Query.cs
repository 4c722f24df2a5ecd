namespace GameBackend.Core.Storage;

/// <summary>
/// A condition on the sort key, limited to what every store can express as a key condition
/// (DynamoDB: begins_with / between / &gt;= / &lt;=), so no store filters after reading.
/// </summary>
public abstract record SortKeyCondition
{
    private SortKeyCondition()
    {
    }

    /// <summary>Every item of the partition.</summary>
    public static readonly SortKeyCondition All = new AllKeys();

    public static SortKeyCondition BeginsWith(string prefix) => new Prefix(prefix);

    /// <summary>Both bounds inclusive.</summary>
    public static SortKeyCondition Between(string from, string to) => new Range(from, to);

    /// <summary>Sort keys at or after <paramref name="from"/>.</summary>
    public static SortKeyCondition AtLeast(string from) => new Range(from, null);

    /// <summary>Sort keys at or before <paramref name="to"/>.</summary>
    public static SortKeyCondition AtMost(string to) => new Range(null, to);

    public sealed record AllKeys : SortKeyCondition;

    public sealed record Prefix(string Value) : SortKeyCondition;

    /// <summary>An inclusive range; a null bound is open.</summary>
    public sealed record Range(string? From, string? To) : SortKeyCondition;
}

/// <summary>
/// Reads one partition in sort-key order. <see cref="ContinuationToken"/> is the opaque token of the
/// previous page; it is only valid for the same query.
/// </summary>
public sealed record Query(
    string TitleId,
    string Partition,
    SortKeyCondition Condition,
    bool Descending = false,
    int Limit = 100,
    string? ContinuationToken = null)
{
    public const int MaxLimit = 1000;
}

/// <summary>One page of a query; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record QueryPage(IReadOnlyList<StoredItem> Items, string? ContinuationToken);
