using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay;

/// <summary>A title's relay key as the control plane hands it over.</summary>
public sealed record RelayKey(string KeyId, byte[] Secret);

/// <summary>
/// The relay keys this relay verifies join tokens with, per title. Readers (the receive loop, once per JOIN) look a
/// key up in an immutable snapshot with no lock and no allocation; writers (start-up, heartbeat answers) replace the
/// snapshot. Keys are found by the raw bytes of the token (title id, key id), so a lookup never builds a string.
/// </summary>
public sealed class RelayKeyRing
{
    /// <summary>Bounds what a misbehaving control plane could make the relay hold.</summary>
    public const int MaxTitles = 10_000;

    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot = new(new Dictionary<KeyName, byte[]>(), new Dictionary<UInt128, RelayKey[]>());

    /// <summary>The titles with at least one key.</summary>
    public IReadOnlyCollection<UInt128> Titles => _snapshot.ByTitle.Keys;

    /// <summary>The keys held for a title (empty when none).</summary>
    public IReadOnlyList<RelayKey> KeysOf(UInt128 titleId) => _snapshot.ByTitle.TryGetValue(titleId, out var keys) ? keys : [];

    public bool Knows(UInt128 titleId) => _snapshot.ByTitle.ContainsKey(titleId);

    /// <summary>The secret for the key a join token names, read straight from the token bytes.</summary>
    public bool TryGetSecret(ReadOnlySpan<byte> token, out byte[] secret)
    {
        var name = new KeyName(ReadTitle(token), BinaryPrimitives.ReadUInt64LittleEndian(token.Slice(1, JoinToken.KeyIdLength)));
        return _snapshot.ByName.TryGetValue(name, out secret!);
    }

    /// <summary>Replaces a title's keys (a heartbeat answer lists every active key). An empty list forgets the title.</summary>
    public void SetKeys(UInt128 titleId, IReadOnlyList<RelayKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_writeLock)
        {
            var current = _snapshot;
            if (!current.ByTitle.ContainsKey(titleId) && current.ByTitle.Count >= MaxTitles)
            {
                return;
            }

            var byTitle = new Dictionary<UInt128, RelayKey[]>(current.ByTitle);
            if (keys.Count == 0)
            {
                byTitle.Remove(titleId);
            }
            else
            {
                byTitle[titleId] = [.. keys];
            }

            var byName = new Dictionary<KeyName, byte[]>();
            foreach (var (title, titleKeys) in byTitle)
            {
                foreach (var key in titleKeys)
                {
                    byName[new KeyName(title, KeyIdBits(key.KeyId))] = key.Secret;
                }
            }

            _snapshot = new Snapshot(byName, byTitle);
        }
    }

    /// <summary>Loads the keys from configuration; the options validator has checked their shape.</summary>
    public void Load(IEnumerable<RelayTitleOptions> titles)
    {
        ArgumentNullException.ThrowIfNull(titles);
        foreach (var title in titles)
        {
            if (!TryParseId(title.TitleId, out var id))
            {
                continue;
            }

            var keys = new List<RelayKey>();
            foreach (var key in title.Keys)
            {
                if (TryParseKey(key.KeyId, key.Secret, out _, out var secret))
                {
                    keys.Add(new RelayKey(key.KeyId, secret));
                }
            }

            SetKeys(id, keys);
        }
    }

    /// <summary>A 32-hex-digit id as the 128-bit number whose big-endian bytes the token carries.</summary>
    public static bool TryParseId(string? id, out UInt128 value) =>
        UInt128.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && id!.Length == 32;

    public static string FormatId(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture);

    public static bool TryParseKey(string? keyId, string? secretText, out ulong keyIdBits, out byte[] secret)
    {
        keyIdBits = 0;
        secret = [];
        if (keyId is null || keyId.Length != JoinToken.KeyIdLength || !System.Text.Ascii.IsValid(keyId) || string.IsNullOrEmpty(secretText))
        {
            return false;
        }

        try
        {
            secret = Base64Url.DecodeFromChars(secretText);
        }
        catch (FormatException)
        {
            return false;
        }

        keyIdBits = KeyIdBits(keyId);
        return secret.Length > 0;
    }

    internal static UInt128 ReadTitle(ReadOnlySpan<byte> token) => BinaryPrimitives.ReadUInt128BigEndian(token.Slice(9, 16));

    private static ulong KeyIdBits(string keyId)
    {
        Span<byte> bytes = stackalloc byte[JoinToken.KeyIdLength];
        System.Text.Encoding.ASCII.GetBytes(keyId, bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private readonly record struct KeyName(UInt128 TitleId, ulong KeyId);

    private sealed record Snapshot(Dictionary<KeyName, byte[]> ByName, Dictionary<UInt128, RelayKey[]> ByTitle);
}
