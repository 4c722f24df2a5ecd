using System.Text.Json;

namespace GameBackend.Core.PlayerData;

/// <summary>
/// A stored object at (title, "player/{playerId}/storage", "{collection}/{key}"). <see cref="SizeBytes"/> is
/// what it counts against the player's quota, kept so a delete frees exactly what the write took.
/// </summary>
internal sealed record PlayerStorageObjectDocument(
    JsonElement Value,
    StorageReadPermission ReadPermission,
    StorageWritePermission WritePermission,
    int SizeBytes,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The player's running totals at (title, "player/{playerId}/storage", "usage"), written in the same transaction
/// as every object write or delete, so concurrent writers can never push the player past the quota.
/// Its sort key has no "/", so no collection listing ever returns it.
/// </summary>
internal sealed record PlayerStorageUsageDocument(long Bytes, int Objects)
{
    public static PlayerStorageUsageDocument Empty { get; } = new(0, 0);
}
