using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Profiles;

/// <summary>Reads and updates profiles (validation: display name, URL, locale, metadata size and depth).</summary>
/// <remarks>
/// Titles with unique display names reserve each name in its own item (create-if-absent) before the profile
/// takes it, and release the old name after. A process that dies between those steps leaves a reservation no
/// profile holds; another player may take such a stale reservation over after <see cref="StaleReservationAge"/>.
/// </remarks>
public sealed class ProfileService
{
    /// <summary>
    /// How long a reservation whose owner's profile does not hold the name is protected: longer than any update
    /// in progress (reserve, then write the profile) takes.
    /// </summary>
    public static readonly TimeSpan StaleReservationAge = TimeSpan.FromMinutes(1);

    private const int MaxWriteAttempts = 8;

    private readonly IDocumentStore _store;
    private readonly TitleService _titles;
    private readonly TimeProvider _time;

    public ProfileService(IDocumentStore store, TitleService titles, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>A player's profile; every account has one (empty at first). "player_not_found" when absent.</summary>
    public async Task<Result<Profile>> GetAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var profile = await ReadOrCreateAsync(titleId, playerId, ct);
        return profile is null ? PlayerNotFound() : profile.Document.ToProfile(playerId, profile.Version);
    }

    /// <summary>Applies the update; with <paramref name="expectedVersion"/>, a mismatch is a 409 "version_conflict".</summary>
    public async Task<Result<Profile>> UpdateAsync(string titleId, string playerId, ProfileUpdate update, string? expectedVersion, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        string? displayName = null, avatarUrl = null, locale = null;
        JsonElement? metadata = null;
        if (update.DisplayName is not null)
        {
            var normalized = ProfileRules.NormalizeDisplayName(update.DisplayName);
            if (!normalized.IsSuccess)
            {
                return normalized.Error;
            }

            displayName = normalized.Value;
        }

        if (update.AvatarUrl is not null)
        {
            var normalized = ProfileRules.NormalizeAvatarUrl(update.AvatarUrl);
            if (!normalized.IsSuccess)
            {
                return normalized.Error;
            }

            avatarUrl = normalized.Value;
        }

        if (update.Locale is not null)
        {
            var normalized = ProfileRules.NormalizeLocale(update.Locale);
            if (!normalized.IsSuccess)
            {
                return normalized.Error;
            }

            locale = normalized.Value;
        }

        if (update.Metadata is { ValueKind: not JsonValueKind.Undefined } requestedMetadata)
        {
            var normalized = ProfileRules.NormalizeMetadata(requestedMetadata);
            if (!normalized.IsSuccess)
            {
                return normalized.Error;
            }

            metadata = normalized.Value;
        }

        var uniqueNames = false;
        if (displayName is not null)
        {
            var title = await _titles.FindAsync(titleId, ct: ct);
            if (title is null)
            {
                return Error.NotFound(ErrorCodes.TitleNotFound, "No title has this id.");
            }

            uniqueNames = title.Settings.UniqueDisplayNames;
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await ReadOrCreateAsync(titleId, playerId, ct);
            if (current is null)
            {
                return PlayerNotFound();
            }

            if (expectedVersion is not null && !string.Equals(expectedVersion, current.Version, StringComparison.Ordinal))
            {
                return VersionConflict(current.Version);
            }

            var now = _time.GetUtcNow();
            var next = current.Document with
            {
                DisplayName = displayName ?? current.Document.DisplayName,
                AvatarUrl = update.AvatarUrl is null ? current.Document.AvatarUrl : avatarUrl,
                Locale = update.Locale is null ? current.Document.Locale : locale,
                Metadata = metadata ?? current.Document.Metadata,
                UpdatedAt = now,
            };

            var oldNameKey = current.Document.DisplayName is { } oldName ? ProfileRules.DisplayNameKey(oldName) : null;
            var newNameKey = displayName is null ? null : ProfileRules.DisplayNameKey(displayName);
            var nameChanges = uniqueNames && newNameKey is not null && newNameKey != oldNameKey;
            if (nameChanges && !await ReserveDisplayNameAsync(titleId, newNameKey!, playerId, ct))
            {
                return Error.Conflict(ErrorCodes.DisplayNameTaken, "Another player has this display name.");
            }

            var written = await _store.ReplaceAsync(
                new NewItem(AccountService.ProfileKey(titleId, playerId), JsonSerializer.SerializeToUtf8Bytes(next, StoredDocumentJsonContext.Default.ProfileDocument)),
                current.Version,
                ct);
            if (written.Succeeded)
            {
                if (nameChanges && oldNameKey is not null)
                {
                    await ReleaseDisplayNameAsync(titleId, oldNameKey, playerId, ct);
                }

                return next.ToProfile(playerId, written.Version!);
            }

            // Lost a race. A reservation just made stays ours: the retry wants the same name, and if it is never
            // used it turns stale and others may take it over.
            if (expectedVersion is not null)
            {
                var latest = await _store.GetAsync(AccountService.ProfileKey(titleId, playerId), ct);
                return latest is null ? PlayerNotFound() : VersionConflict(latest.Version);
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The profile kept changing while it was being updated; retry.");
    }

    /// <summary>True when the name is now reserved for the player (newly, already, or by taking over a stale reservation).</summary>
    private async Task<bool> ReserveDisplayNameAsync(string titleId, string nameKey, string playerId, CancellationToken ct)
    {
        var key = ReservationKey(titleId, nameKey);
        var now = _time.GetUtcNow();
        var reservation = Serialize(new DisplayNameReservationDocument(playerId, now));
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var created = await _store.CreateAsync(new NewItem(key, reservation), ct);
            if (created.Succeeded)
            {
                return true;
            }

            var existing = await _store.GetAsync(key, ct);
            if (existing is null)
            {
                continue; // released meanwhile: try to create again
            }

            var owner = JsonSerializer.Deserialize(existing.Body, StoredDocumentJsonContext.Default.DisplayNameReservationDocument)!;
            if (owner.PlayerId == playerId)
            {
                return true;
            }

            if (owner.ReservedAt > now - StaleReservationAge)
            {
                return false;
            }

            var ownerProfile = await _store.GetAsync(AccountService.ProfileKey(titleId, owner.PlayerId), ct);
            var ownerName = ownerProfile is null
                ? null
                : JsonSerializer.Deserialize(ownerProfile.Body, StoredDocumentJsonContext.Default.ProfileDocument)?.DisplayName;
            if (ownerName is not null && ProfileRules.DisplayNameKey(ownerName) == nameKey)
            {
                return false;
            }

            // Stale: its owner's profile does not hold the name. Take it over only if it is still that reservation.
            var replaced = await _store.ReplaceAsync(new NewItem(key, reservation), existing.Version, ct);
            if (replaced.Succeeded)
            {
                return true;
            }
        }

        return false;
    }

    private async Task ReleaseDisplayNameAsync(string titleId, string nameKey, string playerId, CancellationToken ct)
    {
        var key = ReservationKey(titleId, nameKey);
        var existing = await _store.GetAsync(key, ct);
        if (existing is not null
            && JsonSerializer.Deserialize(existing.Body, StoredDocumentJsonContext.Default.DisplayNameReservationDocument)?.PlayerId == playerId)
        {
            // Best effort: if it changed meanwhile it is no longer ours, and a leftover turns stale.
            await _store.DeleteAsync(key, existing.Version, ct);
        }
    }

    /// <summary>The profile; created empty when the account exists without one (accounts made before profiles were).</summary>
    private async Task<StoredProfile?> ReadOrCreateAsync(string titleId, string playerId, CancellationToken ct)
    {
        if (!Ids.IsWellFormed(playerId))
        {
            return null;
        }

        var profileKey = AccountService.ProfileKey(titleId, playerId);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var item = await _store.GetAsync(profileKey, ct);
            if (item is not null)
            {
                var document = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.ProfileDocument)
                    ?? throw new InvalidDataException($"Item {item.Key} holds no profile.");
                return new StoredProfile(document, item.Version);
            }

            if (await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is null)
            {
                return null;
            }

            var empty = ProfileDocument.Empty(_time.GetUtcNow());
            var created = await _store.CreateAsync(new NewItem(profileKey, JsonSerializer.SerializeToUtf8Bytes(empty, StoredDocumentJsonContext.Default.ProfileDocument)), ct);
            if (created.Succeeded)
            {
                return new StoredProfile(empty, created.Version!);
            }
        }

        return null;
    }

    internal static ItemKey ReservationKey(string titleId, string nameKey) => new(titleId, "display-name/" + nameKey, "owner");

    private static byte[] Serialize(DisplayNameReservationDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.DisplayNameReservationDocument);

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private static Error VersionConflict(string currentVersion) =>
        Error.Conflict(ErrorCodes.VersionConflict, "The profile changed since it was read.") with
        {
            Details = new Dictionary<string, string>(StringComparer.Ordinal) { ["currentVersion"] = currentVersion },
        };

    private sealed record StoredProfile(ProfileDocument Document, string Version);
}
