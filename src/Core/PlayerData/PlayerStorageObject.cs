using System.Text.Json;

namespace GameBackend.Core.PlayerData;

/// <summary>Who may read a stored object besides its owner and the studio's servers.</summary>
public enum StorageReadPermission
{
    /// <summary>Only the owner (and the studio's servers) can read it; others are told it does not exist.</summary>
    Owner,
    /// <summary>Every player of the title can read it (for example a showcase or a shared replay).</summary>
    Public,
}

/// <summary>Who may write a stored object. The studio's servers can always write.</summary>
public enum StorageWritePermission
{
    /// <summary>The owner writes it from the game client (settings, cloud saves).</summary>
    Owner,
    /// <summary>Only the studio's servers write it (inventories, currencies): a client cannot forge it.</summary>
    Server,
}

/// <summary>
/// Who is asking. Core decides permissions from this, not from HTTP routes, so every host and any future
/// transport enforces the same rules.
/// </summary>
public enum StorageCaller
{
    /// <summary>The player the storage belongs to.</summary>
    Owner,
    /// <summary>Another player of the same title: sees public objects only, writes nothing.</summary>
    OtherPlayer,
    /// <summary>The studio's server (server key): reads and writes everything, may make objects server-only.</summary>
    Server,
}

/// <summary>One stored object. <see cref="Version"/> is the store's version of the item (the ETag).</summary>
public sealed record PlayerStorageObject(
    string PlayerId,
    string Collection,
    string Key,
    JsonElement Value,
    StorageReadPermission ReadPermission,
    StorageWritePermission WritePermission,
    DateTimeOffset UpdatedAt,
    string Version);

/// <summary>One page of a collection; <see cref="Cursor"/> is null on the last page.</summary>
public sealed record PlayerStoragePage(IReadOnlyList<PlayerStorageObject> Objects, string? Cursor);

/// <summary>
/// What a write expects of the current object: nothing (last writer wins), that it is absent (create only),
/// or that it is at one version (read-modify-write without lost updates).
/// </summary>
public readonly record struct StorageWriteCondition(StorageWriteConditionKind Kind, string? ExpectedVersion)
{
    public static StorageWriteCondition None { get; } = new(StorageWriteConditionKind.None, null);

    public static StorageWriteCondition IfAbsent { get; } = new(StorageWriteConditionKind.IfAbsent, null);

    public static StorageWriteCondition IfVersion(string version) => new(StorageWriteConditionKind.IfVersion, version);
}

/// <inheritdoc cref="StorageWriteCondition"/>
public enum StorageWriteConditionKind
{
    None,
    IfAbsent,
    IfVersion,
}

/// <summary>A write: the value, and the permissions to set (null keeps the current ones, or owner/owner for a new object).</summary>
public sealed record PlayerStorageWrite(
    JsonElement Value,
    StorageReadPermission? ReadPermission = null,
    StorageWritePermission? WritePermission = null);
