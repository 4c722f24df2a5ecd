using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace GameBackend.Core.Storage;

/// <summary>
/// The continuation token: base64url of a format byte, a 64-bit fingerprint of the query (title,
/// partition, condition, direction) and of the position, and the UTF-8 sort key of the last item returned.
/// The fingerprint rejects a token replayed against another query, partition or title, and a token changed in
/// transit; it is a mistake detector, not a secret, which is enough because every store also refuses a position outside
/// the query's own range, so a forged token can only move inside data the caller may read anyway. Shared by the stores so
/// tokens behave the same everywhere; a store never puts its own cursor (DynamoDB's LastEvaluatedKey, a SQLite row id) in
/// it, so no table or key layout leaks to clients.
/// </summary>
public static class QueryContinuation
{
    private const byte Format = 1;
    private const int HeaderLength = 1 + sizeof(ulong);

    /// <summary>A sort key of at most 512 UTF-16 units takes at most 1,536 UTF-8 bytes, so a token is at most ~2,060 characters.</summary>
    private const int MaxTokenLength = 2200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Create(Query query, string lastSortKey)
    {
        var keyLength = StrictUtf8.GetByteCount(lastSortKey);
        var bytes = new byte[HeaderLength + keyLength];
        bytes[0] = Format;
        StrictUtf8.GetBytes(lastSortKey, bytes.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1, sizeof(ulong)), Fingerprint(query, lastSortKey));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Returns the last sort key the token's page ended on.</summary>
    /// <exception cref="InvalidContinuationTokenException">The token was not made by this store for this query.</exception>
    public static string ReadLastSortKey(Query query, string token)
    {
        // TryDecodeFromChars throws on characters outside the alphabet, so check those first.
        if (token.Length is 0 or > MaxTokenLength || !Base64Url.IsValid(token))
        {
            throw new InvalidContinuationTokenException();
        }

        Span<byte> bytes = stackalloc byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (!Base64Url.TryDecodeFromChars(token, bytes, out var length)
            || length <= HeaderLength
            || bytes[0] != Format)
        {
            throw new InvalidContinuationTokenException();
        }

        string lastSortKey;
        try
        {
            lastSortKey = StrictUtf8.GetString(bytes[HeaderLength..length]);
        }
        catch (DecoderFallbackException exception)
        {
            throw new InvalidContinuationTokenException("The continuation token is not valid for this query.", exception);
        }

        if (lastSortKey.Length > ItemKey.MaxSortKeyLength
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(1, sizeof(ulong))) != Fingerprint(query, lastSortKey))
        {
            throw new InvalidContinuationTokenException();
        }

        return lastSortKey;
    }

    /// <summary>FNV-1a over the query's identity and the position; each string is length-prefixed so fields cannot run together.</summary>
    private static ulong Fingerprint(Query query, string lastSortKey)
    {
        var hash = 14695981039346656037UL;
        hash = Mix(hash, query.TitleId);
        hash = Mix(hash, query.Partition);
        switch (query.Condition)
        {
            case SortKeyCondition.Prefix prefix:
                hash = Mix(hash, 'P');
                hash = Mix(hash, prefix.Value);
                break;
            case SortKeyCondition.Range range:
                hash = Mix(hash, 'R');
                hash = MixOptional(hash, range.From);
                hash = MixOptional(hash, range.To);
                break;
            default:
                hash = Mix(hash, 'A');
                break;
        }

        hash = Mix(hash, query.Descending ? 'D' : 'U');
        return Mix(hash, lastSortKey);

        static ulong MixOptional(ulong hash, string? value) => value is null ? Mix(hash, '\uFFFF') : Mix(Mix(hash, '\u0001'), value);
    }

    private static ulong Mix(ulong hash, string value)
    {
        hash = Mix(hash, (char)(value.Length & 0xFFFF));
        hash = Mix(hash, (char)(value.Length >> 16));
        foreach (var unit in value)
        {
            hash = Mix(hash, unit);
        }

        return hash;
    }

    private static ulong Mix(ulong hash, char unit)
    {
        const ulong Prime = 1099511628211UL;
        hash = (hash ^ (byte)unit) * Prime;
        return (hash ^ (byte)(unit >> 8)) * Prime;
    }
}
