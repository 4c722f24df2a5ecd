using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.PlayerData;

/// <summary>
/// Per-player storage ("cloud saves"): collections of JSON objects, each with a version, read and write
/// permissions, and a per-player quota.
/// </summary>
/// <remarks>
/// All of a player's objects and their running usage totals share one store partition, and every write or
/// delete changes the object and the totals in one transaction conditioned on both versions. Two concurrent
/// writers therefore cannot both pass the quota check on stale totals: one transaction fails and retries
/// against the new totals. The title is always part of the key, so another title's player ids are not found.
/// </remarks>
public sealed class PlayerStorageService
{
    private const string UsageSortKey = "usage";

    /// <summary>Writers racing on one player's usage totals retry; past this many lost races the caller gets "contention".</summary>
    private const int MaxWriteAttempts = 32;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    public PlayerStorageService(IDocumentStore store, TimeProvider time, PlayerStorageLimits? limits = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Limits = limits ?? PlayerStorageLimits.Default;
    }

    public PlayerStorageLimits Limits { get; }

    /// <summary>One object. A non-public object read by another player is "storage_object_not_found", like a missing one.</summary>
    public async Task<Result<PlayerStorageObject>> GetAsync(
        string titleId, string playerId, string collection, string key, StorageCaller caller, CancellationToken ct = default)
    {
        if (PlayerStorageRules.ValidateNames(collection, key) is { } invalid)
        {
            return invalid;
        }

        if (caller != StorageCaller.Owner && !await PlayerExistsAsync(titleId, playerId, ct))
        {
            return PlayerNotFound();
        }

        var item = await _store.GetAsync(ObjectKey(titleId, playerId, collection, key), ct);
        if (item is null)
        {
            return ObjectNotFound();
        }

        var document = ReadObject(item);
        if (caller == StorageCaller.OtherPlayer && document.ReadPermission != StorageReadPermission.Public)
        {
            return ObjectNotFound();
        }

        return ToObject(playerId, collection, key, document, item.Version);
    }

    /// <summary>
    /// A page of one collection in key order. Another player sees only public objects, so one of their pages may
    /// hold fewer than <paramref name="limit"/> objects (even none) and still have a cursor. A cursor this query did
    /// not hand out makes the store throw <see cref="InvalidContinuationTokenException"/> (Api maps it to a 400).
    /// </summary>
    public async Task<Result<PlayerStoragePage>> ListAsync(
        string titleId, string playerId, string collection, StorageCaller caller, int? limit = null, string? cursor = null, CancellationToken ct = default)
    {
        if (PlayerStorageRules.ValidateNames(collection, null) is { } invalid)
        {
            return invalid;
        }

        var pageLimit = limit ?? PlayerStorageRules.DefaultPageLimit;
        if (pageLimit is < 1 or > PlayerStorageRules.MaxPageLimit)
        {
            return Error.Validation(ErrorCodes.InvalidStoragePageLimit, $"The page limit is 1–{PlayerStorageRules.MaxPageLimit}.");
        }

        if (caller != StorageCaller.Owner && !await PlayerExistsAsync(titleId, playerId, ct))
        {
            return PlayerNotFound();
        }

        var page = await _store.QueryAsync(
            new Query(titleId, Partition(playerId), SortKeyCondition.BeginsWith(collection + "/"), Limit: pageLimit, ContinuationToken: string.IsNullOrEmpty(cursor) ? null : cursor),
            ct);
        var objects = new List<PlayerStorageObject>(page.Items.Count);
        foreach (var item in page.Items)
        {
            var document = ReadObject(item);
            if (caller == StorageCaller.OtherPlayer && document.ReadPermission != StorageReadPermission.Public)
            {
                continue;
            }

            objects.Add(ToObject(playerId, collection, item.Key.SortKey[(collection.Length + 1)..], document, item.Version));
        }

        return new PlayerStoragePage(objects, page.ContinuationToken);
    }

    /// <summary>
    /// Creates or replaces an object under <paramref name="condition"/>, atomically with the player's usage totals.
    /// A player writes only owner-writable objects of their own and cannot make one server-only; the server writes anything.
    /// </summary>
    public async Task<Result<PlayerStorageObject>> PutAsync(
        string titleId, string playerId, string collection, string key, PlayerStorageWrite write, StorageWriteCondition condition, StorageCaller caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (PlayerStorageRules.ValidateNames(collection, key) is { } invalidName)
        {
            return invalidName;
        }

        var normalized = PlayerStorageRules.NormalizeValue(write.Value, Limits);
        if (!normalized.IsSuccess)
        {
            return normalized.Error;
        }

        if (caller == StorageCaller.OtherPlayer)
        {
            return WriteForbidden("Players write only their own storage.");
        }

        if (caller == StorageCaller.Owner && write.WritePermission == StorageWritePermission.Server)
        {
            return WriteForbidden("Only the studio's servers can make an object server-only.");
        }

        if (!await PlayerExistsAsync(titleId, playerId, ct))
        {
            return PlayerNotFound();
        }

        var (value, sizeBytes) = normalized.Value;
        var objectKey = ObjectKey(titleId, playerId, collection, key);
        var usageKey = UsageKey(titleId, playerId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var existingItem = await _store.GetAsync(objectKey, ct);
            var existing = existingItem is null ? null : ReadObject(existingItem);
            if (CheckCondition(condition, existingItem) is { } failed)
            {
                return failed;
            }

            if (caller == StorageCaller.Owner && existing?.WritePermission == StorageWritePermission.Server)
            {
                return WriteForbidden("This object is written by the studio's servers only.");
            }

            var usageItem = await _store.GetAsync(usageKey, ct);
            var usage = usageItem is null ? PlayerStorageUsageDocument.Empty : ReadUsage(usageItem);
            var nextUsage = new PlayerStorageUsageDocument(
                usage.Bytes - (existing?.SizeBytes ?? 0) + sizeBytes,
                usage.Objects + (existing is null ? 1 : 0));
            if (nextUsage.Bytes > Limits.MaxBytesPerPlayer || nextUsage.Objects > Limits.MaxObjectsPerPlayer)
            {
                return QuotaExceeded();
            }

            var document = new PlayerStorageObjectDocument(
                value,
                write.ReadPermission ?? existing?.ReadPermission ?? StorageReadPermission.Owner,
                write.WritePermission ?? existing?.WritePermission ?? StorageWritePermission.Owner,
                sizeBytes,
                _time.GetUtcNow());
            var objectItem = new NewItem(objectKey, Serialize(document));
            var result = await _store.TransactAsync(new Transaction(
            [
                existingItem is null
                    ? new TransactionOperation.Create(objectItem)
                    : new TransactionOperation.Replace(objectItem, existingItem.Version),
                UsageWrite(usageKey, usageItem, nextUsage),
            ]), ct);
            if (result.Committed)
            {
                return ToObject(playerId, collection, key, document, result.Versions[0]!);
            }

            // Lost a race on the object or the totals: the next attempt re-reads both and re-checks the condition.
        }

        return Error.Unavailable(ErrorCodes.Contention, "The player's storage kept changing while it was being written; retry.");
    }

    /// <summary>Deletes an object (only at <paramref name="expectedVersion"/> when given) and frees its share of the quota.</summary>
    public async Task<Result<bool>> DeleteAsync(
        string titleId, string playerId, string collection, string key, string? expectedVersion, StorageCaller caller, CancellationToken ct = default)
    {
        if (PlayerStorageRules.ValidateNames(collection, key) is { } invalidName)
        {
            return invalidName;
        }

        if (caller == StorageCaller.OtherPlayer)
        {
            return WriteForbidden("Players write only their own storage.");
        }

        if (caller == StorageCaller.Server && !await PlayerExistsAsync(titleId, playerId, ct))
        {
            return PlayerNotFound();
        }

        var condition = expectedVersion is null ? StorageWriteCondition.None : StorageWriteCondition.IfVersion(expectedVersion);
        var objectKey = ObjectKey(titleId, playerId, collection, key);
        var usageKey = UsageKey(titleId, playerId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var existingItem = await _store.GetAsync(objectKey, ct);
            if (existingItem is null)
            {
                return ObjectNotFound();
            }

            if (CheckCondition(condition, existingItem) is { } failed)
            {
                return failed;
            }

            var existing = ReadObject(existingItem);
            if (caller == StorageCaller.Owner && existing.WritePermission == StorageWritePermission.Server)
            {
                return WriteForbidden("This object is written by the studio's servers only.");
            }

            var usageItem = await _store.GetAsync(usageKey, ct);
            var usage = usageItem is null ? PlayerStorageUsageDocument.Empty : ReadUsage(usageItem);
            var nextUsage = new PlayerStorageUsageDocument(Math.Max(0, usage.Bytes - existing.SizeBytes), Math.Max(0, usage.Objects - 1));
            var result = await _store.TransactAsync(new Transaction(
            [
                new TransactionOperation.Delete(objectKey, existingItem.Version),
                UsageWrite(usageKey, usageItem, nextUsage),
            ]), ct);
            if (result.Committed)
            {
                return true;
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The player's storage kept changing while it was being deleted from; retry.");
    }

    /// <summary>The player's current totals (bytes and objects counted against the quota).</summary>
    public async Task<(long Bytes, int Objects)> GetUsageAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var item = await _store.GetAsync(UsageKey(titleId, playerId), ct);
        var usage = item is null ? PlayerStorageUsageDocument.Empty : ReadUsage(item);
        return (usage.Bytes, usage.Objects);
    }

    internal static string Partition(string playerId) => "player/" + playerId + "/storage";

    private static ItemKey ObjectKey(string titleId, string playerId, string collection, string key) =>
        new(titleId, Partition(playerId), collection + "/" + key);

    private static ItemKey UsageKey(string titleId, string playerId) => new(titleId, Partition(playerId), UsageSortKey);

    private async Task<bool> PlayerExistsAsync(string titleId, string playerId, CancellationToken ct) =>
        Ids.IsWellFormed(playerId) && await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is not null;

    private static Error? CheckCondition(StorageWriteCondition condition, StoredItem? existing) => condition.Kind switch
    {
        StorageWriteConditionKind.IfAbsent when existing is not null => VersionConflict(existing.Version, "An object with this key already exists."),
        StorageWriteConditionKind.IfVersion when existing is null => ObjectNotFound(),
        StorageWriteConditionKind.IfVersion when !string.Equals(existing.Version, condition.ExpectedVersion, StringComparison.Ordinal) =>
            VersionConflict(existing.Version, "The object changed since it was read."),
        _ => null,
    };

    private static TransactionOperation UsageWrite(ItemKey usageKey, StoredItem? usageItem, PlayerStorageUsageDocument next)
    {
        var item = new NewItem(usageKey, JsonSerializer.SerializeToUtf8Bytes(next, StoredDocumentJsonContext.Default.PlayerStorageUsageDocument));
        return usageItem is null
            ? new TransactionOperation.Create(item)
            : new TransactionOperation.Replace(item, usageItem.Version);
    }

    private static PlayerStorageObject ToObject(string playerId, string collection, string key, PlayerStorageObjectDocument document, string version) =>
        new(playerId, collection, key, document.Value, document.ReadPermission, document.WritePermission, document.UpdatedAt, version);

    private static byte[] Serialize(PlayerStorageObjectDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.PlayerStorageObjectDocument);

    private static PlayerStorageObjectDocument ReadObject(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.PlayerStorageObjectDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no storage object.");

    private static PlayerStorageUsageDocument ReadUsage(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.PlayerStorageUsageDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no storage usage.");

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private static Error ObjectNotFound() => Error.NotFound(ErrorCodes.StorageObjectNotFound, "No object with this collection and key is visible to the caller.");

    private static Error WriteForbidden(string message) => Error.Forbidden(ErrorCodes.StorageWriteForbidden, message);

    private static Error QuotaExceeded() => Error.Conflict(ErrorCodes.StorageQuotaExceeded, "The write would exceed the player's storage quota; delete objects first.");

    private static Error VersionConflict(string currentVersion, string message) =>
        Error.Conflict(ErrorCodes.VersionConflict, message) with
        {
            Details = new Dictionary<string, string>(StringComparer.Ordinal) { ["currentVersion"] = currentVersion },
        };
}
