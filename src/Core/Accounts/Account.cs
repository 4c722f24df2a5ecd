namespace GameBackend.Core.Accounts;

/// <summary>The ways a player can prove who they are.</summary>
public enum SignInMethod
{
    /// <summary>A device id the game generates and keeps; the account is made on first use.</summary>
    Device,
    /// <summary>Email and password (Argon2id).</summary>
    Email,
    /// <summary>An id from the studio's own identity system, asserted by the studio's server (server key).</summary>
    Custom,
}

/// <summary>One sign-in method linked to an account. <see cref="Subject"/> is the device id, the normalized email, or the custom id.</summary>
public sealed record LinkedIdentity(SignInMethod Method, string Subject, DateTimeOffset LinkedAt);

/// <summary>A player's account: identity links and the state enforced on every request.</summary>
public sealed record Account(
    string TitleId,
    string PlayerId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<LinkedIdentity> Identities,
    bool Disabled,
    DateTimeOffset? BannedUntil,
    string? BanReason,
    string Version);

/// <summary>The tokens a successful sign-in or refresh hands to the client.</summary>
public sealed record TokenPair(
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt);

/// <summary>A sign-in that succeeded; <see cref="Created"/> tells whether the account was made by it.</summary>
public sealed record SignInResult(string PlayerId, bool Created, TokenPair Tokens);

/// <summary>
/// The caller, as proven by a valid access token: which title, which player, which session family
/// (one family per sign-in, shared by every rotated refresh token and access token it yields).
/// </summary>
public sealed record PlayerPrincipal(string TitleId, string PlayerId, string FamilyId, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// When the access token was issued (whole seconds). Tokens issued before the account's revocation time
    /// (set when it is disabled) are refused by <see cref="AccountService.AuthorizeAsync"/>.
    /// </summary>
    public DateTimeOffset IssuedAt { get; init; }
}
