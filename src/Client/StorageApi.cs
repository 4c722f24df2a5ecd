using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// Per-player storage (cloud saves): versioned JSON objects by collection and key. Writes can be conditional
/// (<see cref="StorageCondition"/>), so two devices of one player never silently overwrite each other's save.
/// </summary>
public sealed class StorageApi
{
    private readonly ApiTransport _transport;

    internal StorageApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>One of the caller's objects (404 <c>storage_object_not_found</c> when absent).</summary>
    public async Task<StorageObject> GetAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, OwnPath(collection, key), null, ClientJsonContext.Default.StorageObject, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Another player's public object (a private one answers 404, as if absent).</summary>
    public async Task<StorageObject> GetPlayerAsync(string playerId, string collection, string key, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        var path = "v1/players/" + PathSegment.Of(playerId) + "/" + OwnPath(collection, key).Substring("v1/".Length);
        return (await _transport.SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.StorageObject, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>A page of the caller's collection (1–100 objects).</summary>
    public async Task<StorageObjectPage> ListAsync(string collection, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, ListPath("v1/storage/", collection, limit, cursor), null, ClientJsonContext.Default.StorageObjectPage, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>A page of another player's public objects in a collection.</summary>
    public async Task<StorageObjectPage> ListPlayerAsync(string playerId, string collection, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        var path = ListPath("v1/players/" + PathSegment.Of(playerId) + "/storage/", collection, limit, cursor);
        return (await _transport.SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.StorageObjectPage, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Writes an object (a JSON object of at most 16 KiB). <paramref name="condition"/> makes it conditional; a
    /// failed condition is 409 <c>version_conflict</c>. Null permissions keep the object's current ones.
    /// </summary>
    public async Task<StorageObject> PutAsync(
        string collection,
        string key,
        JsonElement value,
        StorageCondition condition = default,
        string? readPermission = null,
        string? writePermission = null,
        CancellationToken cancellationToken = default)
    {
        var body = ApiTransport.Serialize(new PutStorageObjectRequest(value, readPermission, writePermission), ClientJsonContext.Default.PutStorageObjectRequest);
        var result = await _transport.SendAsync(
            HttpMethod.Put, OwnPath(collection, key), body, ClientJsonContext.Default.StorageObject, cancellationToken,
            ifMatch: condition.ExpectedVersion, ifNoneMatchAny: condition.IfAbsent).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>Writes the game's own type, serialized with its source-generated metadata (no reflection, IL2CPP-safe).</summary>
    public Task<StorageObject> PutAsync<T>(
        string collection,
        string key,
        T value,
        JsonTypeInfo<T> typeInfo,
        StorageCondition condition = default,
        string? readPermission = null,
        string? writePermission = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(typeInfo, nameof(typeInfo));
        return PutAsync(collection, key, JsonSerializer.SerializeToElement(value, typeInfo), condition, readPermission, writePermission, cancellationToken);
    }

    /// <summary>Deletes an object; with <paramref name="ifVersion"/> only while it is at that version.</summary>
    public Task DeleteAsync(string collection, string key, string? ifVersion = null, CancellationToken cancellationToken = default) =>
        _transport.SendAsync<object>(HttpMethod.Delete, OwnPath(collection, key), null, null, cancellationToken, ifMatch: ifVersion);

    private static string OwnPath(string collection, string key)
    {
        Guard.NotEmpty(collection, nameof(collection));
        Guard.NotEmpty(key, nameof(key));
        return "v1/storage/" + PathSegment.Of(collection) + "/" + PathSegment.Of(key);
    }

    private static string ListPath(string prefix, string collection, int? limit, string? cursor)
    {
        Guard.NotEmpty(collection, nameof(collection));
        var query = (limit is { } l ? "limit=" + l.ToString(CultureInfo.InvariantCulture) : string.Empty)
            + (cursor is null ? string.Empty : (limit is null ? string.Empty : "&") + "cursor=" + PathSegment.Of(cursor));
        return prefix + PathSegment.Of(collection) + (query.Length == 0 ? string.Empty : "?" + query);
    }
}

/// <summary>Extensions for reading stored JSON as the game's own types.</summary>
public static class StorageObjectExtensions
{
    /// <summary>The object's value as <typeparamref name="T"/>, read with source-generated metadata.</summary>
    public static T? ValueAs<T>(this StorageObject stored, JsonTypeInfo<T> typeInfo)
    {
        Guard.NotNull(stored, nameof(stored));
        Guard.NotNull(typeInfo, nameof(typeInfo));
        return stored.Value.Deserialize(typeInfo);
    }
}
