using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Accounts;

/// <summary>
/// Issues and validates access tokens: compact JWTs signed HS256 with the title's newest signing key
/// (kid header = "{titleId}.{keyId}"), carrying title, player, family and expiry. Validation accepts
/// only HS256 (never "none"), checks issuer, audience, lifetime and signature, and resolves the key
/// through <see cref="TitleService"/> (refreshing its cache once on an unknown key id).
/// </summary>
public sealed class AccessTokens
{
    // CONTRACT (implementation owned by the Core helper):
    // ctor(TitleService titles, TimeProvider time)

    /// <summary>Signature, algorithm, lifetime and title checks only; no account read. Error code "invalid_token".</summary>
    public Task<Result<PlayerPrincipal>> ValidateAsync(string? token, CancellationToken ct = default) => throw new NotImplementedException();
}
