using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using GameBackend.Core.Common;

namespace GameBackend.Core.Sessions;

/// <summary>What a join token grants: this player may take this slot of this session until <see cref="ExpiresAt"/>.</summary>
public sealed record JoinGrant(string TitleId, string SessionId, string PlayerId, int Slot, DateTimeOffset ExpiresAt);

/// <summary>How a presented join token failed, for the relay's drop counters.</summary>
public enum JoinTokenFailure
{
    None,
    Malformed,
    UnknownKey,
    BadSignature,
    Expired,
}

/// <summary>
/// Join tokens for the session relay: stateless, HMAC-SHA256-signed with one of the title's relay keys, so a relay
/// verifies them without a database. The format is binary and fixed-size (<see cref="Length"/> bytes), so a relay
/// checks one in constant time with no allocation, and it travels in JSON as base64url:
/// <code>
/// offset size
///      0    1  version (1)
///      1    8  relay key id (ASCII, the 8-character id of the title's relay key)
///      9   16  title id    (the 32-hex-digit id as 16 bytes)
///     25   16  session id  (same)
///     41   16  player id   (same)
///     57    1  slot
///     58    8  expiry, Unix seconds, big-endian
///     66   32  HMAC-SHA256 over bytes 0..65
/// </code>
/// docs/relay-protocol.md carries the same table.
/// </summary>
public static class JoinToken
{
    public const byte Version = 1;
    public const int KeyIdLength = 8;
    public const int SignedLength = 66;
    public const int Length = SignedLength + 32;

    /// <summary>Signs a grant with the relay key <paramref name="keyId"/> / <paramref name="secret"/>.</summary>
    public static byte[] Create(JoinGrant grant, string keyId, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(keyId);
        if (keyId.Length != KeyIdLength || Encoding.ASCII.GetByteCount(keyId) != KeyIdLength)
        {
            throw new ArgumentException($"A relay key id is {KeyIdLength} ASCII characters.", nameof(keyId));
        }

        if (grant.Slot is < 0 or > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(grant), "The slot must fit in one byte.");
        }

        var token = new byte[Length];
        token[0] = Version;
        Encoding.ASCII.GetBytes(keyId, token.AsSpan(1, KeyIdLength));
        WriteId(grant.TitleId, token.AsSpan(9, 16));
        WriteId(grant.SessionId, token.AsSpan(25, 16));
        WriteId(grant.PlayerId, token.AsSpan(41, 16));
        token[57] = (byte)grant.Slot;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(58, 8), grant.ExpiresAt.ToUnixTimeSeconds());
        HMACSHA256.HashData(secret, token.AsSpan(0, SignedLength), token.AsSpan(SignedLength, 32));
        return token;
    }

    /// <summary>The key id a token names (for looking up the secret), or null when the token is not even shaped right.</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> token) =>
        token.Length == Length && token[0] == Version ? Encoding.ASCII.GetString(token.Slice(1, KeyIdLength)) : null;

    /// <summary>
    /// Checks shape, signature (constant time) and expiry. The caller finds <paramref name="secret"/> by
    /// <see cref="KeyIdOf"/>; on success <paramref name="grant"/> holds what the token grants.
    /// </summary>
    public static JoinTokenFailure Verify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> secret, DateTimeOffset now, out JoinGrant? grant)
    {
        grant = null;
        if (token.Length != Length || token[0] != Version)
        {
            return JoinTokenFailure.Malformed;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, token[..SignedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.Slice(SignedLength, 32)))
        {
            return JoinTokenFailure.BadSignature;
        }

        var expiresAt = BinaryPrimitives.ReadInt64BigEndian(token.Slice(58, 8));
        if (now.ToUnixTimeSeconds() >= expiresAt)
        {
            return JoinTokenFailure.Expired;
        }

        grant = new JoinGrant(
            Convert.ToHexStringLower(token.Slice(9, 16)),
            Convert.ToHexStringLower(token.Slice(25, 16)),
            Convert.ToHexStringLower(token.Slice(41, 16)),
            token[57],
            DateTimeOffset.FromUnixTimeSeconds(expiresAt));
        return JoinTokenFailure.None;
    }

    /// <summary>The token as it travels in JSON.</summary>
    public static string ToText(byte[] token) => Base64UrlText(token);

    private static string Base64UrlText(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static void WriteId(string id, Span<byte> destination)
    {
        if (!Ids.IsWellFormed(id))
        {
            throw new ArgumentException($"'{id}' is not a 32-hex-digit id.", nameof(id));
        }

        Convert.FromHexString(id, destination, out _, out _);
    }
}
