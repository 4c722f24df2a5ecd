using Amazon.DynamoDBv2.Model;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// A query's sort-key condition as a DynamoDB key condition, so DynamoDB reads only the matching range and
/// nothing is filtered after reading (apart from expired items). DynamoDB compares S values by their UTF-8
/// bytes, which is code-point order; <see cref="CompareCodePoints"/> compares .NET strings the same way.
/// </summary>
internal sealed class SortKeyBounds
{
    private readonly SortKeyCondition condition;

    private SortKeyBounds(SortKeyCondition condition, string? expression, string? from, string? to, bool matchesNothing)
    {
        this.condition = condition;
        Expression = expression;
        From = from;
        To = to;
        MatchesNothing = matchesNothing;
    }

    /// <summary>The sort-key part of the key condition (names <c>#sk</c>, values <c>:from</c> and <c>:to</c>); null for every key.</summary>
    public string? Expression { get; }

    public string? From { get; }

    public string? To { get; }

    /// <summary>
    /// True when no key can match (an empty upper bound, or a range whose start lies after its end). DynamoDB
    /// refuses such a BETWEEN and empty key values, so the store answers without asking it.
    /// </summary>
    public bool MatchesNothing { get; }

    public static SortKeyBounds For(SortKeyCondition condition)
    {
        switch (condition)
        {
            case SortKeyCondition.Prefix { Value.Length: > 0 } prefix:
                return new SortKeyBounds(condition, "begins_with(#sk, :from)", prefix.Value, null, false);
            case SortKeyCondition.Range range:
                var from = string.IsNullOrEmpty(range.From) ? null : range.From;
                var to = range.To;
                if (to is { Length: 0 } || (from is not null && to is not null && CompareCodePoints(from, to) > 0))
                {
                    return new SortKeyBounds(condition, null, null, null, true);
                }

                var expression = (from, to) switch
                {
                    (not null, not null) => "#sk BETWEEN :from AND :to",
                    (not null, null) => "#sk >= :from",
                    (null, not null) => "#sk <= :to",
                    _ => null,
                };
                return new SortKeyBounds(condition, expression, from, to, false);
            default:
                // Every key, or an empty prefix (which every key starts with).
                return new SortKeyBounds(condition, null, null, null, false);
        }
    }

    /// <summary>Adds the bound values the <see cref="Expression"/> names.</summary>
    public void AddValues(Dictionary<string, AttributeValue> values)
    {
        if (From is not null)
        {
            values[":from"] = new AttributeValue { S = From };
        }

        if (To is not null)
        {
            values[":to"] = new AttributeValue { S = To };
        }
    }

    /// <summary>Whether <paramref name="sortKey"/> satisfies the condition; a continuation point must, or the token was forged.</summary>
    public bool Contains(string sortKey) => condition switch
    {
        SortKeyCondition.Prefix prefix => sortKey.StartsWith(prefix.Value, StringComparison.Ordinal),
        SortKeyCondition.Range range => (range.From is null || CompareCodePoints(sortKey, range.From) >= 0)
            && (range.To is null || CompareCodePoints(sortKey, range.To) <= 0),
        _ => true,
    };

    /// <summary>
    /// Compares well-formed UTF-16 strings in code-point order (= UTF-8 byte order). UTF-16 ordinal order
    /// differs only where a surrogate meets U+E000..U+FFFF, so those units are shifted before comparing.
    /// </summary>
    internal static int CompareCodePoints(string left, string right)
    {
        var common = Math.Min(left.Length, right.Length);
        for (var index = 0; index < common; index++)
        {
            var l = left[index];
            var r = right[index];
            if (l != r)
            {
                return InCodePointOrder(l) - InCodePointOrder(r);
            }
        }

        return left.Length - right.Length;

        static int InCodePointOrder(char unit) => unit >= 0xE000 ? unit - 0x800 : unit >= 0xD800 ? unit + 0x2000 : unit;
    }
}
