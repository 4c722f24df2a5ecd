using System.Text;
using GameBackend.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// A port query as one Cosmos DB SQL query over a single logical partition: the sort-key condition on <c>skHex</c> (the
/// sort key's UTF-8 bytes in hex, which compares like the bytes), live items only, ordered by <c>skHex</c>, TOP the page
/// size plus one. Every value is a parameter.
/// </summary>
internal static class SortKeyQuery
{
    public static QueryDefinition Build(Query query, string? lastSortKey, DateTimeOffset now, int top)
    {
        var sql = new StringBuilder("SELECT TOP @top c.sk, c.ver, c.body, c.exp FROM c WHERE c.pk = @pk AND (NOT IS_DEFINED(c.exp) OR c.exp > @now)");
        var parameters = new List<(string Name, object Value)>
        {
            ("@top", top),
            ("@pk", CosmosItem.PartitionKeyOf(query.TitleId, query.Partition)),
            ("@now", CosmosItem.FormatExpiry(now)),
        };
        switch (query.Condition)
        {
            case SortKeyCondition.Prefix { Value.Length: > 0 } prefix:
                sql.Append(" AND STARTSWITH(c.skHex, @prefix)");
                parameters.Add(("@prefix", CosmosItem.HexOf(prefix.Value)));
                break;
            case SortKeyCondition.Range range:
                if (range.From is not null)
                {
                    sql.Append(" AND c.skHex >= @from");
                    parameters.Add(("@from", CosmosItem.HexOf(range.From)));
                }

                if (range.To is not null)
                {
                    sql.Append(" AND c.skHex <= @to");
                    parameters.Add(("@to", CosmosItem.HexOf(range.To)));
                }

                break;
        }

        if (lastSortKey is not null)
        {
            sql.Append(query.Descending ? " AND c.skHex < @after" : " AND c.skHex > @after");
            parameters.Add(("@after", CosmosItem.HexOf(lastSortKey)));
        }

        sql.Append(query.Descending ? " ORDER BY c.skHex DESC" : " ORDER BY c.skHex ASC");
        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return definition;
    }

    /// <summary>Whether <paramref name="sortKey"/> satisfies the condition; a continuation point must, or the token was forged.</summary>
    public static bool Contains(SortKeyCondition condition, string sortKey) => condition switch
    {
        SortKeyCondition.Prefix prefix => sortKey.StartsWith(prefix.Value, StringComparison.Ordinal),
        SortKeyCondition.Range range => (range.From is null || CompareUtf8(sortKey, range.From) >= 0)
            && (range.To is null || CompareUtf8(sortKey, range.To) <= 0),
        _ => true,
    };

    private static int CompareUtf8(string left, string right) =>
        string.CompareOrdinal(CosmosItem.HexOf(left), CosmosItem.HexOf(right));
}
