using System.Text;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// A query's sort-key condition turned into one index range: <c>From &lt;= sort_key &lt; Before</c>.
/// Every condition (and a continuation point) becomes such a half-open range, so SQLite seeks the
/// primary key straight to the first row and stops at the last one instead of filtering a whole partition.
/// SQLite's BINARY collation compares the UTF-8 bytes, which is code-point order; the bounds below
/// are computed in that order, not in .NET's UTF-16 ordinal order.
/// </summary>
/// <param name="From">Inclusive lower bound; the empty string is below every key.</param>
/// <param name="Before">Exclusive upper bound, or null for none.</param>
internal readonly record struct SortKeyRange(string From, string? Before)
{
    /// <summary>The key just above <c>k</c> in byte order: <c>k</c> followed by U+0000.</summary>
    private const char Lowest = '\0';

    public static SortKeyRange For(SortKeyCondition condition) => condition switch
    {
        SortKeyCondition.Prefix prefix => new SortKeyRange(prefix.Value, AfterEveryKeyStartingWith(prefix.Value)),
        SortKeyCondition.Range range => new SortKeyRange(range.From ?? string.Empty, range.To is null ? null : range.To + Lowest),
        _ => new SortKeyRange(string.Empty, null),
    };

    /// <summary>Narrows the range to what follows <paramref name="lastKey"/> in the query's direction.</summary>
    public SortKeyRange ContinuingAfter(string lastKey, bool descending)
    {
        if (descending)
        {
            return Before is null || CompareCodePoints(lastKey, Before) < 0 ? this with { Before = lastKey } : this;
        }

        var next = lastKey + Lowest;
        return CompareCodePoints(next, From) > 0 ? this with { From = next } : this;
    }

    /// <summary>
    /// The smallest key above every key that starts with <paramref name="prefix"/>: drop trailing
    /// U+10FFFF code points (nothing sorts after them), then step the last code point up by one.
    /// Null when no such key exists (empty prefix, or only U+10FFFF).
    /// </summary>
    internal static string? AfterEveryKeyStartingWith(string prefix)
    {
        var end = prefix.Length;
        while (end >= 2 && prefix[end - 2] == '\uDBFF' && prefix[end - 1] == '\uDFFF')
        {
            end -= 2;
        }

        if (end == 0)
        {
            return null;
        }

        int lastStart;
        Rune last;
        if (char.IsLowSurrogate(prefix[end - 1]))
        {
            lastStart = end - 2;
            last = new Rune(prefix[end - 2], prefix[end - 1]);
        }
        else
        {
            lastStart = end - 1;
            last = new Rune(prefix[end - 1]);
        }

        var nextValue = last.Value + 1;
        if (nextValue == 0xD800)
        {
            // Surrogate code points have no UTF-8 form; the next encodable one is U+E000.
            nextValue = 0xE000;
        }

        Span<char> next = stackalloc char[2];
        var written = new Rune(nextValue).EncodeToUtf16(next);
        return string.Concat(prefix.AsSpan(0, lastStart), next[..written]);
    }

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
