namespace GameBackend.Core.Tenancy;

/// <summary>
/// The kind of deployment ("cell") a title runs in. It is configuration that shapes quotas and
/// defaults, never a code branch.
/// </summary>
public enum CellType
{
    Dedicated,
    Shared,
    Enterprise,
}

/// <summary>
/// A game: the tenant. Every stored item and every query is scoped by <see cref="Id"/>.
/// Keys: the public client key is stored as is (it ships inside game clients); the server key is
/// stored only as a hash and shown once, when it is made.
/// </summary>
public sealed record Title(
    string Id,
    string Name,
    CellType CellType,
    string ClientKey,
    string ServerKeyHash,
    TitleSettings Settings,
    IReadOnlyList<SigningKey> SigningKeys,
    DateTimeOffset CreatedAt,
    string Version)
{
    /// <summary>The key that signs new access tokens: the newest one not retired (null only for a corrupted title).</summary>
    public SigningKey? CurrentSigningKey => SigningKeyRing.Current(SigningKeys);

    /// <summary>
    /// Keys that sign the relay's join tokens (and authenticate relays to the backend). Kept apart from the access-token
    /// keys because they are handed to relay operators: leaking one lets someone join sessions, not act as a player.
    /// </summary>
    public IReadOnlyList<SigningKey> RelayKeys { get; init; } = [];

    /// <summary>The relay keys that still validate join tokens (what relays must hold), oldest first.</summary>
    public IEnumerable<SigningKey> ActiveRelayKeys => RelayKeys.Where(static k => k.RetiredAt is null);

    /// <summary>The relay key that signs new join tokens; null for a title made before relay keys existed (see TitleService.EnsureRelayKeyAsync).</summary>
    public SigningKey? CurrentRelayKey => SigningKeyRing.Current(RelayKeys);
}

/// <summary>Per-title settings, with defaults a studio gets without configuring anything.</summary>
public sealed record TitleSettings
{
    /// <summary>When true, no two players of the title may hold the same display name (case-insensitive).</summary>
    public bool UniqueDisplayNames { get; init; }

    /// <summary>Access-token lifetime; short, because a token cannot be recalled once issued.</summary>
    public int AccessTokenLifetimeSeconds { get; init; } = 900;

    /// <summary>Refresh-token lifetime; each use rotates the token and restarts this clock.</summary>
    public int RefreshTokenLifetimeSeconds { get; init; } = 30 * 24 * 3600;

    /// <summary>Requests per second allowed for the whole title (0 = the cell's default).</summary>
    public int RequestsPerSecond { get; init; }

    /// <summary>Requests per second allowed for one client (player or address) (0 = the cell's default).</summary>
    public int RequestsPerSecondPerClient { get; init; }

    /// <summary>
    /// How many friends plus pending outgoing requests one player may hold. Outgoing requests count so a player
    /// cannot spam requests past the limit and have them all accepted.
    /// </summary>
    public int MaxFriends { get; init; } = DefaultMaxFriends;

    /// <summary>The friend limit a title gets without configuring one.</summary>
    public const int DefaultMaxFriends = 300;
}

/// <summary>
/// A key that signs this title's access tokens (HMAC-SHA256). The newest active key signs; every key not
/// yet retired still validates, so rotation logs nobody out.
/// </summary>
public sealed record SigningKey(string KeyId, byte[] Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);
