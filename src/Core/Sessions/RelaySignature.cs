using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Sessions;

/// <summary>
/// How a relay signs what it sends the backend: <c>{keyId}:{base64url(HMAC-SHA256(secret, timestamp + "\n" + body))}</c>,
/// where the key is one of the title's active relay keys and <c>timestamp</c> is the Unix-seconds text sent beside it.
/// Signing the raw body bytes (not a re-serialization) means both sides agree without a canonical JSON form, and the
/// timestamp bounds how long a captured request can be replayed. Public so the relay and tests sign with the same code.
/// </summary>
public static class RelaySignature
{
    public const string TitleHeader = "X-Relay-Title";
    public const string TimestampHeader = "X-Relay-Timestamp";
    public const string SignatureHeader = "X-Relay-Signature";

    /// <summary>
    /// How far the relay's clock may be from the backend's. Wide enough for unsynchronized containers, narrow enough
    /// that a replayed heartbeat is soon refused (and the registry ignores heartbeats older than the one it holds).
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    private const int MacLength = 32;

    /// <summary>The value of <see cref="SignatureHeader"/> for this timestamp text and body.</summary>
    public static string Create(string keyId, ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(timestamp);
        Span<byte> mac = stackalloc byte[MacLength];
        Compute(secret, timestamp, body, mac);
        return keyId + ":" + Base64Url.EncodeToString(mac);
    }

    /// <summary>The timestamp text a relay sends now.</summary>
    public static string TimestampText(DateTimeOffset now) => now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The signed Unix-seconds timestamp: digits only (no sign, no spaces), at most 12 of them; null otherwise.</summary>
    internal static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (text is not { Length: > 0 and <= 12 } || text.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return null;
        }

        var seconds = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>
    /// Splits a signature header into key id and MAC; false when it is not shaped right (no colon, empty key id,
    /// MAC not 32 bytes of unpadded base64url).
    /// </summary>
    internal static bool TryParse(string? header, out string keyId, Span<byte> mac)
    {
        keyId = "";
        if (header is null || header.Length > 128)
        {
            return false;
        }

        var colon = header.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var encoded = header.AsSpan(colon + 1);
        if (Base64Url.GetMaxDecodedLength(encoded.Length) < MacLength
            || !Base64Url.TryDecodeFromChars(encoded, mac, out var written)
            || written != MacLength)
        {
            return false;
        }

        keyId = header[..colon];
        return true;
    }

    /// <summary>Compares the presented MAC with the expected one in time that does not depend on where they differ.</summary>
    internal static bool Verify(ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body, ReadOnlySpan<byte> presented)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        Compute(secret, timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private static void Compute(ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        Span<byte> prefix = stackalloc byte[Encoding.ASCII.GetMaxByteCount(timestamp.Length) + 1];
        var length = Encoding.ASCII.GetBytes(timestamp, prefix);
        prefix[length] = (byte)'\n';
        hmac.AppendData(prefix[..(length + 1)]);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}

/// <summary>A relay request that passed <see cref="RelayAuthentication"/>: whose relay it is and when it was signed.</summary>
public sealed record AuthenticatedRelay(Title Title, DateTimeOffset SignedAt);

/// <summary>
/// Authenticates relays to the backend with the title's relay keys (the same keys that sign join tokens, so a relay
/// operator configures one secret). The timestamp is checked first, without a store read, so stale or replayed requests
/// cost nothing; every other failure (unknown title, unknown or retired key, wrong MAC) answers the same code, so a
/// prober learns nothing about which titles or keys exist.
/// </summary>
public sealed class RelayAuthentication
{
    private readonly TitleService _titles;
    private readonly TimeProvider _time;

    public RelayAuthentication(TitleService titles, TimeProvider time)
    {
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<AuthenticatedRelay>> AuthenticateAsync(
        string? titleId, string? timestamp, string? signature, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        if (RelaySignature.ParseTimestamp(timestamp) is not { } signedAt
            || (_time.GetUtcNow() - signedAt).Duration() > RelaySignature.MaxClockSkew)
        {
            return Error.Unauthorized(
                ErrorCodes.InvalidRelayTimestamp,
                $"{RelaySignature.TimestampHeader} must be the current Unix time in seconds (within {RelaySignature.MaxClockSkew.TotalSeconds:0} s of the server's clock).");
        }

        var invalid = Error.Unauthorized(ErrorCodes.InvalidRelaySignature, "The relay signature is not valid for this title, timestamp and body.");
        var mac = new byte[32];
        if (!Ids.IsWellFormed(titleId) || !RelaySignature.TryParse(signature, out var keyId, mac))
        {
            return invalid;
        }

        var title = await _titles.FindAsync(titleId!, ct: ct);
        var key = title is null ? null : SigningKeyRing.FindActive(title.RelayKeys, keyId);
        if (title is not null && key is null)
        {
            // The relay may already sign with a key rotated in on another host since this one cached the title.
            title = await _titles.FindAsync(titleId!, refresh: true, ct);
            key = title is null ? null : SigningKeyRing.FindActive(title.RelayKeys, keyId);
        }

        if (title is null || key is null || !RelaySignature.Verify(key.Secret, timestamp!, body.Span, mac))
        {
            return invalid;
        }

        return new AuthenticatedRelay(title, signedAt);
    }
}
