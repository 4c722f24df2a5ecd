using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Profiles;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Accounts;

/// <summary>
/// Sign-in, refresh, sign-out, linking, and the account state (disabled, banned) enforced on every request.
/// </summary>
/// <remarks>
/// <para>Storage: the account, its profile and its refresh-token families share the partition
/// "player/{playerId}"; each identity has a lookup item "identity/{method}/{subject}" that names its player.
/// Transactions may not span partitions (Cosmos DB), so flows that touch both are ordered steps, each safe
/// to be the last one a crashed process made:</para>
/// <list type="bullet">
/// <item>first sign-in claims the identity (create-if-absent, naming a new player id), then creates the account
/// and profile together; a sign-in that finds a link without an account creates the account (repair), so
/// concurrent first sign-ins all end on the one player the winning link names;</item>
/// <item>linking claims the identity first, then adds it to the account; unlinking removes it from the
/// account first, then frees the identity.</item>
/// </list>
/// <para>Every account write is replace-if-version with a retry loop, so concurrent updates are never lost.</para>
/// </remarks>
public sealed class AccountService
{
    /// <summary>Bounds the account document; no player needs more ways to sign in.</summary>
    public const int MaxIdentities = 16;

    /// <summary>
    /// Bounds the signed-out families kept in the account (each only until its access tokens expire). Past it the
    /// oldest entry is forgotten early, so at worst its already-issued access tokens work until they expire.
    /// </summary>
    public const int MaxRevokedFamilies = 100;

    public const int MaxBanReasonLength = 256;

    internal const string AccountSortKey = "account";
    internal const string ProfileSortKey = "profile";
    internal const string LinkSortKey = "link";
    internal const string TombstoneSortKey = "tombstone";

    private const int MaxWriteAttempts = 8;
    private const int RefreshSecretBytes = 32;

    /// <summary>The properties of account_created and signed_in per <see cref="SignInMethod"/>: made once, read by every sign-in.</summary>
    private static readonly JsonElement[] SignInEventProperties = Enum.GetValues<SignInMethod>()
        .Select(m => JsonSerializer.SerializeToElement(new SignInEventProperties(m.ToString().ToLowerInvariant()), AccountEventJsonContext.Default.SignInEventProperties))
        .ToArray();

    private readonly IDocumentStore _store;
    private readonly TitleService _titles;
    private readonly AccessTokens _accessTokens;
    private readonly PasswordHasher _passwords;
    private readonly BestEffortEventPublisher _events;
    private readonly TimeProvider _time;

    public AccountService(IDocumentStore store, TitleService titles, AccessTokens accessTokens, PasswordHasher passwords, BestEffortEventPublisher events, TimeProvider time)
    {
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _accessTokens = accessTokens ?? throw new ArgumentNullException(nameof(accessTokens));
        _passwords = passwords ?? throw new ArgumentNullException(nameof(passwords));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<Result<SignInResult>> SignInWithDeviceAsync(Title title, string deviceId, bool create, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (IdentityRules.CheckDeviceId(deviceId) is { } error)
        {
            return error;
        }

        return await SignInWithIdentityAsync(title, SignInMethod.Device, deviceId, create, ct);
    }

    /// <summary>
    /// Creates an account for a new email. An email that already has one answers "email_taken": sign-up
    /// necessarily reveals that an address is registered; rate limits bound how fast anyone can ask.
    /// </summary>
    public async Task<Result<SignInResult>> SignUpWithEmailAsync(Title title, string email, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        var normalized = IdentityRules.NormalizeEmail(email);
        if (!normalized.IsSuccess)
        {
            return normalized.Error;
        }

        if (PasswordPolicy.Check(password, normalized.Value) is { } policyError)
        {
            return policyError;
        }

        var emailTaken = Error.Conflict(ErrorCodes.EmailTaken, "An account with this email already exists.");
        var linkKey = IdentityKey(title.Id, SignInMethod.Email, normalized.Value);
        if (await _store.GetAsync(linkKey, ct) is not null)
        {
            return emailTaken; // no need to spend a hash on it
        }

        var now = _time.GetUtcNow();
        var playerId = Ids.NewId(_time);
        var link = new IdentityLinkDocument(playerId, now, await _passwords.HashAsync(password, ct));
        var claimed = await _store.CreateAsync(new NewItem(linkKey, Serialize(link, StoredDocumentJsonContext.Default.IdentityLinkDocument)), ct);
        if (!claimed.Succeeded)
        {
            return emailTaken;
        }

        var account = await EnsureAccountAsync(title.Id, playerId, new LinkedIdentity(SignInMethod.Email, normalized.Value, now), ct);
        return account is null ? Contention() : await CompleteSignInAsync(title, account.Document, SignInMethod.Email, created: true, ct);
    }

    /// <summary>
    /// Unknown email and wrong password give the same error and cost the same time (a dummy hash is verified
    /// when there is no account), so sign-in reveals nothing about which emails are registered.
    /// </summary>
    public async Task<Result<SignInResult>> SignInWithEmailAsync(Title title, string email, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        var invalid = Error.Unauthorized(ErrorCodes.InvalidCredentials, "The email or the password is wrong.");
        password ??= string.Empty;
        var normalized = IdentityRules.NormalizeEmail(email);
        if (!normalized.IsSuccess || password.Length > 4 * PasswordPolicy.MaxLength)
        {
            await _passwords.VerifyDummyAsync(password.Length > 4 * PasswordPolicy.MaxLength ? string.Empty : password, ct);
            return invalid;
        }

        var linkItem = await _store.GetAsync(IdentityKey(title.Id, SignInMethod.Email, normalized.Value), ct);
        var link = linkItem is null ? null : Deserialize(linkItem, StoredDocumentJsonContext.Default.IdentityLinkDocument);
        if (link?.PasswordHash is null)
        {
            await _passwords.VerifyDummyAsync(password, ct);
            return invalid;
        }

        var verification = await _passwords.VerifyAsync(password, link.PasswordHash, ct);
        if (verification == PasswordVerification.Failed)
        {
            return invalid;
        }

        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            // Best effort: if the link changed meanwhile, the next sign-in upgrades it.
            var upgraded = link with { PasswordHash = await _passwords.HashAsync(password, ct) };
            await _store.ReplaceAsync(new NewItem(linkItem!.Key, Serialize(upgraded, StoredDocumentJsonContext.Default.IdentityLinkDocument)), linkItem.Version, ct);
        }

        var account = await EnsureAccountAsync(title.Id, link.PlayerId, new LinkedIdentity(SignInMethod.Email, normalized.Value, link.CreatedAt), ct);
        return account is null ? invalid : await CompleteSignInAsync(title, account.Document, SignInMethod.Email, created: false, ct);
    }

    /// <summary>Only for the studio's servers: Api calls it after authenticating the server key.</summary>
    public async Task<Result<SignInResult>> SignInWithCustomIdAsync(Title title, string customId, bool create, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (IdentityRules.CheckCustomId(customId) is { } error)
        {
            return error;
        }

        return await SignInWithIdentityAsync(title, SignInMethod.Custom, customId, create, ct);
    }

    /// <summary>Rotates the refresh token. Reuse of an already-rotated token revokes its whole family.</summary>
    /// <remarks>
    /// A token that names a live family but is not its current one is either an old, already rotated token
    /// (someone kept a copy) or a forgery; either way the family can no longer be trusted, so it is revoked and
    /// the legitimate holder has to sign in again. Two concurrent refreshes with the same token count as reuse.
    /// </remarks>
    public async Task<Result<TokenPair>> RefreshAsync(Title title, string refreshToken, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        var invalid = Error.Unauthorized(ErrorCodes.InvalidRefreshToken, "The refresh token is not valid; sign in again.");
        var reused = Error.Unauthorized(ErrorCodes.RefreshTokenReused, "The refresh token was already used; its session is revoked. Sign in again.");
        if (RefreshTokenParts(refreshToken) is not var (playerId, familyId))
        {
            return invalid;
        }

        var familyItem = await _store.GetAsync(FamilyKey(title.Id, playerId, familyId), ct);
        if (familyItem is null)
        {
            return invalid;
        }

        var family = Deserialize(familyItem, StoredDocumentJsonContext.Default.RefreshFamilyDocument);
        if (!Secrets.FixedTimeEquals(Secrets.Sha256Base64Url(refreshToken), family.TokenHash))
        {
            await RevokeFamilyAsync(title, playerId, familyId, ct);
            return reused;
        }

        var accountItem = await _store.GetAsync(AccountKey(title.Id, playerId), ct);
        if (accountItem is null)
        {
            return invalid;
        }

        var account = Deserialize(accountItem, StoredDocumentJsonContext.Default.AccountDocument);
        if (StandingError(account) is { } standing)
        {
            return standing;
        }

        if (account.TokensValidAfter is { } validAfter && family.CreatedAt < validAfter
            || account.RevokedFamilies.Any(r => r.FamilyId == familyId))
        {
            return invalid;
        }

        var (token, hash) = NewRefreshToken(playerId, familyId);
        var expiresAt = _time.GetUtcNow().AddSeconds(title.Settings.RefreshTokenLifetimeSeconds);
        var rotated = family with { TokenHash = hash, Generation = family.Generation + 1 };
        var written = await _store.ReplaceAsync(
            new NewItem(familyItem.Key, Serialize(rotated, StoredDocumentJsonContext.Default.RefreshFamilyDocument), expiresAt),
            familyItem.Version,
            ct);
        switch (written.Outcome)
        {
            case WriteOutcome.Written:
                var access = _accessTokens.Issue(title, playerId, familyId);
                return new TokenPair(access.Token, access.ExpiresAt, token, expiresAt);
            case WriteOutcome.VersionMismatch:
                await RevokeFamilyAsync(title, playerId, familyId, ct);
                return reused;
            default:
                return invalid;
        }
    }

    /// <summary>Ends the caller's session family: its refresh token and every access token of the family stop working.</summary>
    public async Task<Result<bool>> SignOutAsync(PlayerPrincipal caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var title = await _titles.FindAsync(caller.TitleId, ct: ct);
        if (title is null)
        {
            return Error.Unauthorized(ErrorCodes.InvalidToken, "The access token's title no longer exists.");
        }

        var revoked = await RevokeFamilyAsync(title, caller.PlayerId, caller.FamilyId, ct);
        return revoked.IsSuccess ? true : revoked.Error;
    }

    /// <summary>
    /// Per-request gate: the account exists, is not disabled or banned, and the token's family was not
    /// revoked. Errors: "account_disabled" / "account_banned" (403), "session_revoked" / "invalid_token" (401).
    /// </summary>
    public async Task<Result<Account>> AuthorizeAsync(PlayerPrincipal caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var item = await _store.GetAsync(AccountKey(caller.TitleId, caller.PlayerId), ct);
        if (item is null)
        {
            return Error.Unauthorized(ErrorCodes.InvalidToken, "The access token's account does not exist.");
        }

        var account = Deserialize(item, StoredDocumentJsonContext.Default.AccountDocument);
        if (StandingError(account) is { } standing)
        {
            return standing;
        }

        // JWT times are whole seconds, so the revocation time is compared at that precision.
        if (account.TokensValidAfter is { } validAfter && caller.IssuedAt.ToUnixTimeSeconds() < validAfter.ToUnixTimeSeconds()
            || account.RevokedFamilies.Any(r => r.FamilyId == caller.FamilyId))
        {
            return Error.Unauthorized(ErrorCodes.SessionRevoked, "This session was ended; sign in again.");
        }

        return account.ToAccount(caller.TitleId, item.Version);
    }

    public async Task<Result<Account>> LinkDeviceAsync(PlayerPrincipal caller, string deviceId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (IdentityRules.CheckDeviceId(deviceId) is { } error)
        {
            return error;
        }

        return await LinkIdentityAsync(caller.TitleId, caller.PlayerId, SignInMethod.Device, deviceId, passwordHash: null, ct);
    }

    /// <summary>Links an email and password. Linking an email the caller already has is idempotent and keeps its password.</summary>
    public async Task<Result<Account>> LinkEmailAsync(PlayerPrincipal caller, string email, string password, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var normalized = IdentityRules.NormalizeEmail(email);
        if (!normalized.IsSuccess)
        {
            return normalized.Error;
        }

        if (PasswordPolicy.Check(password, normalized.Value) is { } policyError)
        {
            return policyError;
        }

        // Hash only when the link will really be made: an identity in use or already linked needs none.
        return await LinkIdentityAsync(caller.TitleId, caller.PlayerId, SignInMethod.Email, normalized.Value, () => _passwords.HashAsync(password, ct), ct);
    }

    /// <summary>Server key only.</summary>
    public async Task<Result<Account>> LinkCustomIdAsync(string titleId, string playerId, string customId, CancellationToken ct = default)
    {
        if (IdentityRules.CheckCustomId(customId) is { } error)
        {
            return error;
        }

        return await LinkIdentityAsync(titleId, playerId, SignInMethod.Custom, customId, passwordHash: null, ct);
    }

    /// <summary>Refuses to remove the last sign-in method ("last_identity").</summary>
    public async Task<Result<Account>> UnlinkAsync(PlayerPrincipal caller, SignInMethod method, string subject, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (method == SignInMethod.Email)
        {
            subject = subject?.Trim().ToLowerInvariant() ?? string.Empty;
        }

        var notLinked = Error.NotFound(ErrorCodes.IdentityNotFound, "The account has no such sign-in method.");
        if (string.IsNullOrEmpty(subject) || subject.Length > IdentityRules.MaxEmailLength || !Enum.IsDefined(method))
        {
            return notLinked;
        }

        var wasListed = false;
        var updated = await UpdateAccountAsync(caller.TitleId, caller.PlayerId, account =>
        {
            var remaining = account.Identities.Where(i => !IsSame(i, method, subject)).ToList();
            wasListed = remaining.Count < account.Identities.Count;
            if (!wasListed)
            {
                return account;
            }

            return remaining.Count == 0
                ? Error.Conflict(ErrorCodes.LastIdentity, "This is the account's only sign-in method; link another one first.")
                : account with { Identities = remaining };
        }, ct);
        if (!updated.IsSuccess)
        {
            return updated.Error;
        }

        // Free the identity only once the account no longer lists it. If an earlier unlink died between the two
        // steps, the account no longer lists it but the link still names the caller: finishing that is not an error.
        var freed = await DeleteLinkIfOwnedAsync(IdentityKey(caller.TitleId, method, subject), caller.PlayerId, ct);
        return wasListed || freed ? updated.Value.Document.ToAccount(caller.TitleId, updated.Value.Version) : notLinked;
    }

    public async Task<Result<Account>> GetAccountAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var account = await ReadAccountAsync(titleId, playerId, ct);
        return account is null ? PlayerNotFound() : account.Document.ToAccount(titleId, account.Version);
    }

    /// <summary>Admin: disable or re-enable; disabling revokes every session.</summary>
    /// <remarks>
    /// Disabling stamps a revocation time: access tokens issued and families started before it stay invalid even
    /// after re-enabling, so re-enabling never revives a session that may have been the reason for disabling.
    /// </remarks>
    public async Task<Result<Account>> SetDisabledAsync(string titleId, string playerId, bool disabled, CancellationToken ct = default)
    {
        var updated = await UpdateAccountAsync(titleId, playerId, account =>
        {
            if (!disabled)
            {
                return account.Disabled ? account with { Disabled = false } : account;
            }

            return account with { Disabled = true, TokensValidAfter = _time.GetUtcNow() };
        }, ct);
        return updated.IsSuccess ? updated.Value.Document.ToAccount(titleId, updated.Value.Version) : updated.Error;
    }

    /// <summary>Admin: ban until a time (null lifts the ban).</summary>
    public async Task<Result<Account>> BanAsync(string titleId, string playerId, DateTimeOffset? until, string? reason, CancellationToken ct = default)
    {
        if (until is { } end && end <= _time.GetUtcNow())
        {
            return Error.Validation(ErrorCodes.InvalidBanUntil, "A ban ends in the future; pass no end to lift it.");
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason?.Length > MaxBanReasonLength)
        {
            return Error.Validation(ErrorCodes.InvalidBanReason, $"A ban reason has at most {MaxBanReasonLength} characters.");
        }

        var updated = await UpdateAccountAsync(titleId, playerId,
            account => account with { BannedUntil = until, BanReason = until is null ? null : reason }, ct);
        return updated.IsSuccess ? updated.Value.Document.ToAccount(titleId, updated.Value.Version) : updated.Error;
    }

    internal static ItemKey AccountKey(string titleId, string playerId) => new(titleId, PlayerPartition(playerId), AccountSortKey);

    internal static ItemKey ProfileKey(string titleId, string playerId) => new(titleId, PlayerPartition(playerId), ProfileSortKey);

    /// <summary>Where an erased player's tombstone lives (see <see cref="AccountTombstoneDocument"/>).</summary>
    internal static ItemKey TombstoneKey(string titleId, string playerId) => new(titleId, PlayerPartition(playerId), TombstoneSortKey);

    internal static ItemKey FamilyKey(string titleId, string playerId, string familyId) => new(titleId, PlayerPartition(playerId), "family/" + familyId);

    internal static ItemKey IdentityKey(string titleId, SignInMethod method, string subject) =>
        new(titleId, $"identity/{method.ToString().ToLowerInvariant()}/{subject}", LinkSortKey);

    internal static string PlayerPartition(string playerId) => "player/" + playerId;

    private async Task<Result<SignInResult>> SignInWithIdentityAsync(Title title, SignInMethod method, string subject, bool create, CancellationToken ct)
    {
        var linkKey = IdentityKey(title.Id, method, subject);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var now = _time.GetUtcNow();
            var linkItem = await _store.GetAsync(linkKey, ct);
            if (linkItem is not null)
            {
                var link = Deserialize(linkItem, StoredDocumentJsonContext.Default.IdentityLinkDocument);
                var existing = await EnsureAccountAsync(title.Id, link.PlayerId, new LinkedIdentity(method, subject, link.CreatedAt), ct);
                if (existing is not null)
                {
                    return await CompleteSignInAsync(title, existing.Document, method, created: false, ct);
                }

                // The link outlived its erased player (an erasure in flight or cut short): free it and sign in afresh.
                await DeleteLinkIfOwnedAsync(linkKey, link.PlayerId, ct);
                continue;
            }

            if (!create)
            {
                return Error.NotFound(ErrorCodes.AccountNotFound, "No account has this identity.");
            }

            // Claim the identity first, naming a new player: of concurrent first sign-ins exactly one claim wins,
            // and the others loop to read the winner's link.
            var playerId = Ids.NewId(_time);
            var claim = new IdentityLinkDocument(playerId, now, null);
            var claimed = await _store.CreateAsync(new NewItem(linkKey, Serialize(claim, StoredDocumentJsonContext.Default.IdentityLinkDocument)), ct);
            if (claimed.Succeeded)
            {
                var account = await EnsureAccountAsync(title.Id, playerId, new LinkedIdentity(method, subject, now), ct);
                return account is null ? Contention() : await CompleteSignInAsync(title, account.Document, method, created: true, ct);
            }
        }

        return Contention();
    }

    /// <summary>
    /// Refuses disabled and banned accounts, then starts a session family and, once it is stored, publishes
    /// <c>signed_in</c> (after <c>account_created</c> when this sign-in made the account) in one best-effort call:
    /// both carry the account's creation time as <see cref="BackendEvent.PlayerSince"/>, which the account document
    /// already in hand holds, so the events cost no read.
    /// </summary>
    private async Task<Result<SignInResult>> CompleteSignInAsync(Title title, AccountDocument account, SignInMethod method, bool created, CancellationToken ct)
    {
        if (StandingError(account) is { } standing)
        {
            return standing;
        }

        var tokens = await StartSessionAsync(title, account.PlayerId, ct);
        var now = _time.GetUtcNow();
        var properties = SignInEventProperties[(int)method];
        var signedIn = new BackendEvent(title.Id, Ids.NewId(_time), BackendEventNames.SignedIn, now, account.PlayerId, null, properties, account.CreatedAt);
        await _events.PublishAsync(
            created
                ? [new BackendEvent(title.Id, Ids.NewId(_time), BackendEventNames.AccountCreated, account.CreatedAt, account.PlayerId, null, properties, account.CreatedAt), signedIn]
                : [signedIn],
            ct);
        return new SignInResult(account.PlayerId, created, tokens);
    }

    /// <summary>A new refresh-token family (one per sign-in) and the first access token of it.</summary>
    private async Task<TokenPair> StartSessionAsync(Title title, string playerId, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var familyId = Ids.NewId(_time);
        var (token, hash) = NewRefreshToken(playerId, familyId);
        var expiresAt = now.AddSeconds(title.Settings.RefreshTokenLifetimeSeconds);
        var family = new RefreshFamilyDocument(familyId, hash, 1, now);
        var written = await _store.CreateAsync(
            new NewItem(FamilyKey(title.Id, playerId, familyId), Serialize(family, StoredDocumentJsonContext.Default.RefreshFamilyDocument), expiresAt),
            ct);
        if (!written.Succeeded)
        {
            throw new InvalidOperationException($"Creating session family {familyId} failed: {written.Outcome}.");
        }

        var access = _accessTokens.Issue(title, playerId, familyId);
        return new TokenPair(access.Token, access.ExpiresAt, token, expiresAt);
    }

    /// <summary>
    /// The account the identity link names; created (with its empty profile, in one transaction of the player's
    /// partition) when the link exists but the account does not: the first sign-in's second step, or the repair of
    /// one that died after claiming the link. Null when the player was erased (GDPR): their tombstone outlives the
    /// account, and no link that still names them can bring them back.
    /// </summary>
    private async Task<StoredAccount?> EnsureAccountAsync(string titleId, string playerId, LinkedIdentity identity, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            if (await ReadAccountAsync(titleId, playerId, ct) is { } existing)
            {
                return existing;
            }

            if (await _store.GetAsync(TombstoneKey(titleId, playerId), ct) is not null)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var account = new AccountDocument(playerId, now, [identity], false, null, null, null, []);
            var accountItem = new NewItem(AccountKey(titleId, playerId), Serialize(account, StoredDocumentJsonContext.Default.AccountDocument));
            var profileItem = new NewItem(ProfileKey(titleId, playerId), Serialize(ProfileDocument.Empty(now), StoredDocumentJsonContext.Default.ProfileDocument));
            var result = await _store.TransactAsync(new Transaction([new TransactionOperation.Create(accountItem), new TransactionOperation.Create(profileItem)]), ct);
            if (result.Committed)
            {
                return new StoredAccount(account, result.Versions[0]!);
            }

            if (result.FailedIndex == 1)
            {
                // A profile without an account (made by an older version, or by hand): create the account alone.
                var written = await _store.CreateAsync(accountItem, ct);
                if (written.Succeeded)
                {
                    return new StoredAccount(account, written.Version!);
                }
            }

            // Otherwise a concurrent sign-in created the account first: read it on the next pass.
        }

        throw new InvalidOperationException($"Account {playerId} could neither be read nor created.");
    }

    private async Task<Result<Account>> LinkIdentityAsync(string titleId, string playerId, SignInMethod method, string subject, Func<Task<string>>? passwordHash, CancellationToken ct)
    {
        var account = await ReadAccountAsync(titleId, playerId, ct);
        if (account is null)
        {
            return PlayerNotFound();
        }

        var inUse = Error.Conflict(ErrorCodes.IdentityInUse, "This sign-in method is linked to another player.");
        var tooMany = Error.Conflict(ErrorCodes.TooManyIdentities, $"An account has at most {MaxIdentities} sign-in methods.");
        if (!account.Document.Identities.Any(i => IsSame(i, method, subject)) && account.Document.Identities.Count >= MaxIdentities)
        {
            return tooMany;
        }

        // Claim the identity first: uniqueness lives in the link item, and the account only mirrors it.
        var linkKey = IdentityKey(titleId, method, subject);
        var claimedNow = false;
        var linkItem = await _store.GetAsync(linkKey, ct);
        if (linkItem is null)
        {
            var claim = new IdentityLinkDocument(playerId, _time.GetUtcNow(), passwordHash is null ? null : await passwordHash());
            var claimed = await _store.CreateAsync(new NewItem(linkKey, Serialize(claim, StoredDocumentJsonContext.Default.IdentityLinkDocument)), ct);
            claimedNow = claimed.Succeeded;
            linkItem = claimedNow ? null : await _store.GetAsync(linkKey, ct);
        }

        if (!claimedNow && (linkItem is null || Deserialize(linkItem, StoredDocumentJsonContext.Default.IdentityLinkDocument).PlayerId != playerId))
        {
            return inUse;
        }

        var linkedAt = _time.GetUtcNow();
        var updated = await UpdateAccountAsync(titleId, playerId, current =>
        {
            if (current.Identities.Any(i => IsSame(i, method, subject)))
            {
                return current;
            }

            return current.Identities.Count >= MaxIdentities
                ? tooMany
                : current with { Identities = [.. current.Identities, new LinkedIdentity(method, subject, linkedAt)] };
        }, ct);
        if (!updated.IsSuccess)
        {
            if (claimedNow)
            {
                await DeleteLinkIfOwnedAsync(linkKey, playerId, ct);
            }

            return updated.Error;
        }

        return updated.Value.Document.ToAccount(titleId, updated.Value.Version);
    }

    /// <summary>Deletes the identity link if it names this player; true when it did (or it was already gone by our hand).</summary>
    private async Task<bool> DeleteLinkIfOwnedAsync(ItemKey linkKey, string playerId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await _store.GetAsync(linkKey, ct);
            if (item is null || Deserialize(item, StoredDocumentJsonContext.Default.IdentityLinkDocument).PlayerId != playerId)
            {
                return false;
            }

            var deleted = await _store.DeleteAsync(linkKey, item.Version, ct);
            if (deleted.Outcome is WriteOutcome.Written)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Ends a session family: deletes its refresh-token item (no refresh works any more) and records the family in
    /// the account until its access tokens have expired (AuthorizeAsync refuses them meanwhile).
    /// </summary>
    private async Task<Result<StoredAccount>> RevokeFamilyAsync(Title title, string playerId, string familyId, CancellationToken ct)
    {
        var familyKey = FamilyKey(title.Id, playerId, familyId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await _store.GetAsync(familyKey, ct);
            if (item is null || (await _store.DeleteAsync(familyKey, item.Version, ct)).Outcome is WriteOutcome.Written or WriteOutcome.NotFound)
            {
                break;
            }
        }

        var now = _time.GetUtcNow();
        var forgetAfter = now.AddSeconds(title.Settings.AccessTokenLifetimeSeconds) + AccessTokens.ClockSkew;
        return await UpdateAccountAsync(title.Id, playerId, account =>
        {
            var live = account.RevokedFamilies.Where(r => r.ForgetAfter > now).ToList();
            if (live.Any(r => r.FamilyId == familyId))
            {
                return live.Count == account.RevokedFamilies.Count ? account : account with { RevokedFamilies = live };
            }

            live.Add(new RevokedFamily(familyId, forgetAfter));
            if (live.Count > MaxRevokedFamilies)
            {
                live = live.OrderByDescending(r => r.ForgetAfter).Take(MaxRevokedFamilies).ToList();
            }

            return account with { RevokedFamilies = live };
        }, ct);
    }

    /// <summary>
    /// Read, change, replace-if-version, retried while other writers win: optimistic concurrency without lost
    /// updates. A change that returns the same instance writes nothing.
    /// </summary>
    private async Task<Result<StoredAccount>> UpdateAccountAsync(string titleId, string playerId, Func<AccountDocument, Result<AccountDocument>> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await ReadAccountAsync(titleId, playerId, ct);
            if (current is null)
            {
                return PlayerNotFound();
            }

            var changed = change(current.Document);
            if (!changed.IsSuccess)
            {
                return changed.Error;
            }

            if (ReferenceEquals(changed.Value, current.Document))
            {
                return current;
            }

            var written = await _store.ReplaceAsync(
                new NewItem(AccountKey(titleId, playerId), Serialize(changed.Value, StoredDocumentJsonContext.Default.AccountDocument)),
                current.Version,
                ct);
            if (written.Succeeded)
            {
                return new StoredAccount(changed.Value, written.Version!);
            }
        }

        return Contention();
    }

    private async Task<StoredAccount?> ReadAccountAsync(string titleId, string playerId, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(playerId))
        {
            return null;
        }

        var item = await _store.GetAsync(AccountKey(titleId, playerId), ct);
        return item is null ? null : new StoredAccount(Deserialize(item, StoredDocumentJsonContext.Default.AccountDocument), item.Version);
    }

    private Error? StandingError(AccountDocument account)
    {
        if (account.Disabled)
        {
            return Error.Forbidden(ErrorCodes.AccountDisabled, "The account is disabled.");
        }

        if (account.BannedUntil is { } until && until > _time.GetUtcNow())
        {
            return Error.Forbidden(ErrorCodes.AccountBanned, "The account is banned.") with
            {
                Details = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["until"] = until.ToString("O", CultureInfo.InvariantCulture),
                },
            };
        }

        return null;
    }

    /// <summary>An opaque refresh token <c>{playerId}.{familyId}.{secret}</c> and the SHA-256 that is all we store of it.</summary>
    private static (string Token, string Hash) NewRefreshToken(string playerId, string familyId)
    {
        var token = $"{playerId}.{familyId}.{Secrets.RandomBase64Url(RefreshSecretBytes)}";
        return (token, Secrets.Sha256Base64Url(token));
    }

    private static (string PlayerId, string FamilyId)? RefreshTokenParts(string? token)
    {
        // 32 + 1 + 32 + 1 + 43: anything else is not one of ours.
        if (token is not { Length: 109 } || token[32] != '.' || token[65] != '.')
        {
            return null;
        }

        var playerId = token[..32];
        var familyId = token[33..65];
        return Ids.IsWellFormed(playerId) && Ids.IsWellFormed(familyId) ? (playerId, familyId) : null;
    }

    private static bool IsSame(LinkedIdentity identity, SignInMethod method, string subject) =>
        identity.Method == method && string.Equals(identity.Subject, subject, StringComparison.Ordinal);

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private static Error Contention() => Error.Unavailable(ErrorCodes.Contention, "The account kept changing while it was being updated; retry.");

    private static byte[] Serialize<T>(T document, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToUtf8Bytes(document, typeInfo);

    private static T Deserialize<T>(StoredItem item, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(item.Body, typeInfo) ?? throw new InvalidDataException($"Item {item.Key} is empty.");

    private sealed record StoredAccount(AccountDocument Document, string Version);
}

/// <summary>The properties of <c>account_created</c> and <c>signed_in</c>: how the player signed in (device, email, custom).</summary>
public sealed record SignInEventProperties(string Method);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SignInEventProperties))]
internal sealed partial class AccountEventJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
