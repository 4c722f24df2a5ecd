using System.Collections.Concurrent;
using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Tenancy;

/// <summary>A title just made or re-keyed, with the plaintext server key that is shown only this once.</summary>
public sealed record TitleWithServerKey(Title Title, string ServerKey);

/// <summary>
/// Creates titles, authenticates their keys and rotates their secrets. Client keys look like
/// <c>gbc_{titleId}_{random}</c> and server keys <c>gbs_{titleId}_{random}</c>, so the title is found
/// from the key itself with one point read and no index.
/// </summary>
/// <remarks>
/// Every request needs its title, so titles are cached in process for <see cref="CacheTimeToLive"/>.
/// The cache is only an optimization: it is rebuilt from the store, and a change made by another host
/// is seen within the TTL (or at once through <see cref="FindAsync"/> with refresh).
/// </remarks>
public sealed class TitleService
{
    /// <summary>How long a cached title is served without reading the store again.</summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(5);

    public const string ClientKeyPrefix = "gbc_";
    public const string ServerKeyPrefix = "gbs_";

    internal const string TitlePartition = "title";
    internal const string TitleSortKey = "title";

    /// <summary>32 random bytes → 43 base64url characters; the key is a bearer secret, so it must be unguessable.</summary>
    private const int KeySecretBytes = 32;
    private const int KeySecretLength = 43;
    private const int KeyLength = 4 + 32 + 1 + KeySecretLength;
    private const int MaxWriteAttempts = 8;

    /// <summary>Bounds the cache even if something creates titles without end; titles are few, so this is never hit in practice.</summary>
    private const int MaxCachedTitles = 10_000;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CachedTitle> _cache = new(StringComparer.Ordinal);

    public TitleService(IDocumentStore store, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<TitleWithServerKey>> CreateAsync(string name, CellType cellType, TitleSettings? settings, CancellationToken ct = default)
    {
        var normalizedName = TitleRules.NormalizeName(name);
        if (!normalizedName.IsSuccess)
        {
            return normalizedName.Error;
        }

        if (!Enum.IsDefined(cellType))
        {
            return Error.Validation(ErrorCodes.InvalidCellType, "Unknown cell type.");
        }

        settings ??= new TitleSettings();
        if (TitleRules.CheckSettings(settings) is { } settingsError)
        {
            return settingsError;
        }

        var now = _time.GetUtcNow();
        var id = Ids.NewId(_time);
        var serverKey = NewKey(ServerKeyPrefix, id);
        var document = new TitleDocument(
            id,
            normalizedName.Value,
            cellType,
            NewKey(ClientKeyPrefix, id),
            Secrets.Sha256Base64Url(serverKey),
            settings,
            [SigningKeyRing.NewKey(now)],
            now)
        {
            RelayKeys = [SigningKeyRing.NewKey(now)],
        };

        var written = await _store.CreateAsync(new NewItem(TitleKey(id), Serialize(document)), ct);
        if (!written.Succeeded)
        {
            // A fresh UUIDv7 cannot collide unless the store is broken; that is not an expected failure.
            throw new InvalidOperationException($"Creating title {id} failed: {written.Outcome}.");
        }

        var title = document.ToTitle(written.Version!);
        Remember(title);
        return new TitleWithServerKey(title, serverKey);
    }

    /// <summary>The title, or null. Cached briefly in process; <paramref name="refresh"/> bypasses the cache.</summary>
    public async Task<Title?> FindAsync(string titleId, bool refresh = false, CancellationToken ct = default)
    {
        if (!Ids.IsWellFormed(titleId))
        {
            return null;
        }

        if (!refresh
            && _cache.TryGetValue(titleId, out var cached)
            && _time.GetUtcNow() - cached.FetchedAt <= CacheTimeToLive)
        {
            return cached.Title;
        }

        var item = await _store.GetAsync(TitleKey(titleId), ct);
        if (item is null)
        {
            _cache.TryRemove(titleId, out _);
            return null;
        }

        var title = Deserialize(item).ToTitle(item.Version);
        Remember(title);
        return title;
    }

    /// <summary>The title whose public client key this is (constant-time compare), or an Unauthorized error (code "invalid_client_key").</summary>
    public async Task<Result<Title>> AuthenticateClientKeyAsync(string? clientKey, CancellationToken ct = default)
    {
        var invalid = Error.Unauthorized(ErrorCodes.InvalidClientKey, "The client key is not valid.");
        if (TitleIdOf(clientKey, ClientKeyPrefix) is not { } titleId)
        {
            return invalid;
        }

        var title = await FindAsync(titleId, ct: ct);
        return title is not null && Secrets.FixedTimeEquals(title.ClientKey, clientKey!) ? title : invalid;
    }

    /// <summary>The title whose server key this is (hash compared in constant time), or an Unauthorized error (code "invalid_server_key").</summary>
    public async Task<Result<Title>> AuthenticateServerKeyAsync(string? serverKey, CancellationToken ct = default)
    {
        var invalid = Error.Unauthorized(ErrorCodes.InvalidServerKey, "The server key is not valid.");
        if (TitleIdOf(serverKey, ServerKeyPrefix) is not { } titleId)
        {
            return invalid;
        }

        var hash = Secrets.Sha256Base64Url(serverKey!);
        var title = await FindAsync(titleId, ct: ct);
        if (title is not null && Secrets.FixedTimeEquals(title.ServerKeyHash, hash))
        {
            return title;
        }

        // The key may have been rotated by another host after we cached the title: look once more. A wrong key
        // costs one point read, as an unknown title id does; rate limits in front of Core bound both.
        title = await FindAsync(titleId, refresh: true, ct);
        return title is not null && Secrets.FixedTimeEquals(title.ServerKeyHash, hash) ? title : invalid;
    }

    public async Task<Result<TitleWithServerKey>> RotateServerKeyAsync(string titleId, CancellationToken ct = default)
    {
        var serverKey = NewKey(ServerKeyPrefix, titleId);
        var updated = await UpdateAsync(titleId, document => document with { ServerKeyHash = Secrets.Sha256Base64Url(serverKey) }, ct);
        return updated.IsSuccess ? new TitleWithServerKey(updated.Value, serverKey) : updated.Error;
    }

    /// <summary>Adds a new signing key that signs from now on; the old ones keep validating until retired.</summary>
    public Task<Result<Title>> RotateSigningKeyAsync(string titleId, CancellationToken ct = default) =>
        UpdateAsync(titleId, document => document with
        {
            SigningKeys = SigningKeyRing.Rotate(
                document.SigningKeys,
                SigningKeyRing.NewKey(_time.GetUtcNow()),
                TimeSpan.FromSeconds(document.Settings.AccessTokenLifetimeSeconds)),
        }, ct);

    /// <summary>
    /// The longest a join token may live; a superseded relay key keeps validating this long (plus a margin), so
    /// rotating the relay key strands no player between match and join.
    /// </summary>
    public static readonly TimeSpan MaxJoinTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Adds a relay key that signs join tokens from now on; the old ones keep validating until retired.</summary>
    public Task<Result<Title>> RotateRelayKeyAsync(string titleId, CancellationToken ct = default) =>
        UpdateAsync(titleId, document => document with
        {
            RelayKeys = SigningKeyRing.Rotate(document.RelayKeys ?? [], SigningKeyRing.NewKey(_time.GetUtcNow()), MaxJoinTokenLifetime),
        }, ct);

    /// <summary>The title with a relay key: a title stored before relay keys existed gets its first one now.</summary>
    public async Task<Result<Title>> EnsureRelayKeyAsync(string titleId, CancellationToken ct = default)
    {
        var title = await FindAsync(titleId, ct: ct);
        if (title is null)
        {
            return Error.NotFound(ErrorCodes.TitleNotFound, "No title has this id.");
        }

        if (title.CurrentRelayKey is not null)
        {
            return title;
        }

        return await UpdateAsync(titleId, document => document.RelayKeys is { Count: > 0 } && SigningKeyRing.Current(document.RelayKeys) is not null
            ? document
            : document with { RelayKeys = [.. document.RelayKeys ?? [], SigningKeyRing.NewKey(_time.GetUtcNow())] }, ct);
    }

    public Task<Result<Title>> UpdateSettingsAsync(string titleId, TitleSettings settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return TitleRules.CheckSettings(settings) is { } error
            ? Task.FromResult(Result<Title>.Failure(error))
            : UpdateAsync(titleId, document => document with { Settings = settings }, ct);
    }

    /// <summary>The title id a key names, when the key has the exact shape this service makes; null otherwise.</summary>
    internal static string? TitleIdOf(string? key, string prefix)
    {
        if (key is null || key.Length != KeyLength || !key.StartsWith(prefix, StringComparison.Ordinal) || key[36] != '_')
        {
            return null;
        }

        var titleId = key.Substring(4, 32);
        return Ids.IsWellFormed(titleId) ? titleId : null;
    }

    internal static ItemKey TitleKey(string titleId) => new(titleId, TitlePartition, TitleSortKey);

    private static string NewKey(string prefix, string titleId) => $"{prefix}{titleId}_{Secrets.RandomBase64Url(KeySecretBytes)}";

    /// <summary>Read, change, replace-if-version; retried when another writer won the race, so no update is lost.</summary>
    private async Task<Result<Title>> UpdateAsync(string titleId, Func<TitleDocument, TitleDocument> change, CancellationToken ct)
    {
        var notFound = Error.NotFound(ErrorCodes.TitleNotFound, "No title has this id.");
        if (!Ids.IsWellFormed(titleId))
        {
            return notFound;
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await _store.GetAsync(TitleKey(titleId), ct);
            if (item is null)
            {
                return notFound;
            }

            var document = change(Deserialize(item));
            var written = await _store.ReplaceAsync(new NewItem(item.Key, Serialize(document)), item.Version, ct);
            if (written.Succeeded)
            {
                var title = document.ToTitle(written.Version!);
                Remember(title);
                return title;
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The title kept changing while it was being updated; retry.");
    }

    private void Remember(Title title)
    {
        if (_cache.Count >= MaxCachedTitles)
        {
            _cache.Clear();
        }

        _cache[title.Id] = new CachedTitle(title, _time.GetUtcNow());
    }

    private static byte[] Serialize(TitleDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.TitleDocument);

    private static TitleDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.TitleDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no title.");

    private sealed record CachedTitle(Title Title, DateTimeOffset FetchedAt);
}
