namespace GameBackend.Core.Accounts;

/// <summary>
/// The stored account at (title, "player/{playerId}", "account"). <see cref="Identities"/> mirrors the
/// identity link items, which are the source of truth for sign-in and uniqueness.
/// <see cref="TokensValidAfter"/>: access tokens issued and session families started before it are refused (set on
/// disable). <see cref="RevokedFamilies"/>: signed-out families whose access tokens may still be unexpired; bounded and pruned.
/// </summary>
internal sealed record AccountDocument(
    string PlayerId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<LinkedIdentity> Identities,
    bool Disabled,
    DateTimeOffset? BannedUntil,
    string? BanReason,
    DateTimeOffset? TokensValidAfter,
    IReadOnlyList<RevokedFamily> RevokedFamilies)
{
    public Account ToAccount(string titleId, string version) =>
        new(titleId, PlayerId, CreatedAt, Identities, Disabled, BannedUntil, BanReason, version);
}

/// <summary>A revoked session family, remembered until every access token it could have issued has expired.</summary>
internal sealed record RevokedFamily(string FamilyId, DateTimeOffset ForgetAfter);

/// <summary>
/// The identity lookup at (title, "identity/{method}/{subject}", "link"): created if absent, so one identity
/// names at most one player. Email links also hold the password hash (a PHC string), so the credential
/// and its uniqueness live in one item.
/// </summary>
internal sealed record IdentityLinkDocument(string PlayerId, DateTimeOffset CreatedAt, string? PasswordHash);

/// <summary>
/// A refresh-token family at (title, "player/{playerId}", "family/{familyId}"): one per sign-in. Only the SHA-256
/// of the current token is kept; <see cref="Generation"/> counts rotations. The item expires with the token.
/// </summary>
internal sealed record RefreshFamilyDocument(string FamilyId, string TokenHash, int Generation, DateTimeOffset CreatedAt);

/// <summary>
/// An erased player's tombstone at (title, "player/{playerId}", "tombstone"): created first when an erasure starts (the
/// "erasure in progress" marker), completed when it ends, and kept for good. It holds no personal data, only the two
/// times; its presence stops a sign-in that still finds an old identity link from re-creating the account.
/// </summary>
internal sealed record AccountTombstoneDocument(DateTimeOffset ErasureStartedAt, DateTimeOffset? ErasedAt);
