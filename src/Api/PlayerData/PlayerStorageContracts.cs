using System.Text.Json;
using GameBackend.Core.PlayerData;

namespace GameBackend.Api.PlayerData;

/// <summary>
/// A write of one object. <see cref="Value"/> must be a JSON object (checked by Core, which also bounds its
/// size and depth). An absent permission keeps the object's current one (owner for a new object).
/// </summary>
public sealed record PutStorageObjectRequest
{
    public required JsonElement Value { get; init; }

    /// <summary>"owner" or "public".</summary>
    public string? ReadPermission { get; init; }

    /// <summary>"owner", or "server" (only through the server-key routes).</summary>
    public string? WritePermission { get; init; }
}

/// <summary>One stored object; <see cref="Version"/> is also the ETag of single-object responses.</summary>
public sealed record StorageObjectResponse(
    string PlayerId,
    string Collection,
    string Key,
    JsonElement Value,
    string ReadPermission,
    string WritePermission,
    DateTimeOffset UpdatedAt,
    string Version)
{
    public static StorageObjectResponse From(PlayerStorageObject stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(
            stored.PlayerId,
            stored.Collection,
            stored.Key,
            stored.Value,
            StoragePermissionNames.Of(stored.ReadPermission),
            StoragePermissionNames.Of(stored.WritePermission),
            stored.UpdatedAt,
            stored.Version);
    }
}

/// <summary>A page of a collection; pass <see cref="Cursor"/> back as <c>?cursor=</c> for the next one (null on the last).</summary>
public sealed record StorageObjectPageResponse(IReadOnlyList<StorageObjectResponse> Objects, string? Cursor);

/// <summary>The wire names of permissions: lowercase words, independent of the enum members' names.</summary>
public static class StoragePermissionNames
{
    public const string Owner = "owner";
    public const string Public = "public";
    public const string Server = "server";

    public static string Of(StorageReadPermission permission) => permission == StorageReadPermission.Public ? Public : Owner;

    public static string Of(StorageWritePermission permission) => permission == StorageWritePermission.Server ? Server : Owner;

    public static bool TryParseRead(string? name, out StorageReadPermission? permission)
    {
        permission = name switch
        {
            null => null,
            Owner => StorageReadPermission.Owner,
            Public => StorageReadPermission.Public,
            _ => null,
        };
        return name is null or Owner or Public;
    }

    public static bool TryParseWrite(string? name, out StorageWritePermission? permission)
    {
        permission = name switch
        {
            null => null,
            Owner => StorageWritePermission.Owner,
            Server => StorageWritePermission.Server,
            _ => null,
        };
        return name is null or Owner or Server;
    }
}
