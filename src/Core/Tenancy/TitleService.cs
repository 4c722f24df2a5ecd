using GameBackend.Core.Common;

namespace GameBackend.Core.Tenancy;

/// <summary>A title just made or re-keyed, with the plaintext server key that is shown only this once.</summary>
public sealed record TitleWithServerKey(Title Title, string ServerKey);

/// <summary>
/// Creates titles, authenticates their keys and rotates their secrets. Client keys look like
/// <c>gbc_{titleId}_{random}</c> and server keys <c>gbs_{titleId}_{random}</c>, so the title is found
/// from the key itself with one point read and no index.
/// </summary>
public sealed class TitleService
{
    // CONTRACT (implementation owned by the Core helper):
    // ctor(IDocumentStore store, TimeProvider time)
    public Task<Result<TitleWithServerKey>> CreateAsync(string name, CellType cellType, TitleSettings? settings, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>The title, or null. Cached briefly in process; <paramref name="refresh"/> bypasses the cache.</summary>
    public Task<Title?> FindAsync(string titleId, bool refresh = false, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>The title whose public client key this is (constant-time compare), or an Unauthorized error (code "invalid_client_key").</summary>
    public Task<Result<Title>> AuthenticateClientKeyAsync(string? clientKey, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>The title whose server key this is (hash compared in constant time), or an Unauthorized error (code "invalid_server_key").</summary>
    public Task<Result<Title>> AuthenticateServerKeyAsync(string? serverKey, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<TitleWithServerKey>> RotateServerKeyAsync(string titleId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Adds a new signing key that signs from now on; the old ones keep validating until retired.</summary>
    public Task<Result<Title>> RotateSigningKeyAsync(string titleId, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<Title>> UpdateSettingsAsync(string titleId, TitleSettings settings, CancellationToken ct = default) => throw new NotImplementedException();
}
