using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Accounts;

/// <summary>
/// Sign-in, refresh, sign-out, linking, and the account state (disabled, banned) enforced on every request.
/// </summary>
public sealed class AccountService
{
    // CONTRACT (implementation owned by the Core helper):
    // ctor(IDocumentStore store, TitleService titles, PasswordHasher passwords, TimeProvider time) (or similar)

    public Task<Result<SignInResult>> SignInWithDeviceAsync(Title title, string deviceId, bool create, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<SignInResult>> SignUpWithEmailAsync(Title title, string email, string password, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<SignInResult>> SignInWithEmailAsync(Title title, string email, string password, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Only for the studio's servers: Api calls it after authenticating the server key.</summary>
    public Task<Result<SignInResult>> SignInWithCustomIdAsync(Title title, string customId, bool create, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Rotates the refresh token. Reuse of an already-rotated token revokes its whole family.</summary>
    public Task<Result<TokenPair>> RefreshAsync(Title title, string refreshToken, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Ends the caller's session family: its refresh token and every access token of the family stop working.</summary>
    public Task<Result<bool>> SignOutAsync(PlayerPrincipal caller, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>
    /// Per-request gate: the account exists, is not disabled or banned, and the token's family was not
    /// revoked. Errors: "account_disabled" / "account_banned" (403), "session_revoked" / "invalid_token" (401).
    /// </summary>
    public Task<Result<Account>> AuthorizeAsync(PlayerPrincipal caller, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<Account>> LinkDeviceAsync(PlayerPrincipal caller, string deviceId, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<Account>> LinkEmailAsync(PlayerPrincipal caller, string email, string password, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Server key only.</summary>
    public Task<Result<Account>> LinkCustomIdAsync(string titleId, string playerId, string customId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Refuses to remove the last sign-in method ("last_identity").</summary>
    public Task<Result<Account>> UnlinkAsync(PlayerPrincipal caller, SignInMethod method, string subject, CancellationToken ct = default) => throw new NotImplementedException();

    public Task<Result<Account>> GetAccountAsync(string titleId, string playerId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Admin: disable or re-enable; disabling revokes every session.</summary>
    public Task<Result<Account>> SetDisabledAsync(string titleId, string playerId, bool disabled, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Admin: ban until a time (null lifts the ban).</summary>
    public Task<Result<Account>> BanAsync(string titleId, string playerId, DateTimeOffset? until, string? reason, CancellationToken ct = default) => throw new NotImplementedException();
}
