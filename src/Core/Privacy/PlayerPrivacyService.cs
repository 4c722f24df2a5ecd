using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy;

/// <summary>
/// The GDPR operations on one player: export everything (right of access and portability) and erase everything
/// (right to erasure), by running every registered <see cref="IPlayerDataContributor"/>.
/// </summary>
/// <remarks>
/// <para>Erasure is a sequence of idempotent steps, so a crash part-way is finished by running it again:</para>
/// <list type="number">
/// <item>the tombstone (title, "player/{playerId}", "tombstone") is created with only a start time: the
/// "erasure in progress" marker. From here on the player counts as erased: export answers "player_not_found", and a
/// sign-in that still finds an identity link of the player refuses to re-create the account;</item>
/// <item>the account is disabled, which revokes every session at once (no request of the player passes the gate);</item>
/// <item>every contributor erases its part (identity links, profile, friends on both sides, storage, …);</item>
/// <item>whatever is left in the player's partition (sessions, anything a concurrent request slipped in) is deleted,
/// the account item last: from then on every access token and refresh token of the player is refused, and every
/// feature that checks a player's existence answers "player_not_found";</item>
/// <item>the tombstone gets its completion time. It is all that is kept: the player id and two times, no personal data.</item>
/// </list>
/// <para>Running the erasure again on an erased player runs the contributors again (cleaning up anything a request
/// that was in flight during the erasure wrote) and keeps the first completion time.</para>
/// </remarks>
public sealed class PlayerPrivacyService
{
    private const int MaxWriteAttempts = 8;

    private readonly IDocumentStore _store;
    private readonly AccountService _accounts;
    private readonly IReadOnlyList<IPlayerDataContributor> _contributors;
    private readonly TimeProvider _time;

    public PlayerPrivacyService(IDocumentStore store, AccountService accounts, IEnumerable<IPlayerDataContributor> contributors, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _accounts = accounts ?? throw new ArgumentNullException(nameof(accounts));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentNullException.ThrowIfNull(contributors);
        _contributors = contributors.ToArray();
        var duplicate = _contributors.GroupBy(c => c.Section, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two contributors fill the export section \"{duplicate.Key}\".", nameof(contributors));
        }
    }

    /// <summary>The export sections, in the order contributors run.</summary>
    public IReadOnlyList<string> Sections => _contributors.Select(c => c.Section).ToArray();

    /// <summary>Everything every feature holds about the player. "player_not_found" for unknown and erased players.</summary>
    public async Task<Result<PlayerExport>> ExportAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(titleId);
        if (!Ids.IsWellFormed(playerId)
            || await _store.GetAsync(AccountService.TombstoneKey(titleId, playerId), ct) is not null
            || await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is null)
        {
            return PlayerNotFound();
        }

        var sections = new JsonObject();
        foreach (var contributor in _contributors)
        {
            sections[contributor.Section] = await contributor.ExportAsync(titleId, playerId, ct);
        }

        return new PlayerExport(titleId, playerId, _time.GetUtcNow(), sections);
    }

    /// <summary>
    /// Erases the player (see the remarks for the steps). Idempotent: erasing an erased player re-runs the clean-up
    /// and answers the first completion time. "player_not_found" only for a player that never existed.
    /// </summary>
    public async Task<Result<PlayerErasure>> EraseAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(titleId);
        if (!Ids.IsWellFormed(playerId))
        {
            return PlayerNotFound();
        }

        var tombstoneKey = AccountService.TombstoneKey(titleId, playerId);
        var tombstone = await ReadTombstoneAsync(tombstoneKey, ct);
        if (tombstone is null)
        {
            if (await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is null)
            {
                return PlayerNotFound();
            }

            var started = new AccountTombstoneDocument(_time.GetUtcNow(), null);
            var created = await _store.CreateAsync(new NewItem(tombstoneKey, Serialize(started)), ct);
            tombstone = created.Succeeded ? new StoredTombstone(started, created.Version!) : await ReadTombstoneAsync(tombstoneKey, ct);
            if (tombstone is null)
            {
                return Error.Unavailable(ErrorCodes.Contention, "The erasure could not be started; retry.");
            }
        }

        var alreadyErased = tombstone.Document.ErasedAt is not null;
        if (!alreadyErased)
        {
            // Revokes every session before anything is erased; "player_not_found" means an earlier run got further.
            await _accounts.SetDisabledAsync(titleId, playerId, true, ct);
        }

        foreach (var contributor in _contributors)
        {
            await contributor.EraseAsync(titleId, playerId, ct);
        }

        await DeletePlayerPartitionAsync(titleId, playerId, ct);
        return await CompleteAsync(tombstoneKey, playerId, alreadyErased, ct);
    }

    /// <summary>Deletes everything in "player/{playerId}" but the tombstone, the account item last.</summary>
    private Task DeletePlayerPartitionAsync(string titleId, string playerId, CancellationToken ct) =>
        PartitionItems.DeleteAllAsync(
            _store,
            titleId,
            AccountService.PlayerPartition(playerId),
            key => key.SortKey != AccountService.TombstoneSortKey,
            ct,
            last: key => key.SortKey == AccountService.AccountSortKey);

    private async Task<Result<PlayerErasure>> CompleteAsync(ItemKey tombstoneKey, string playerId, bool alreadyErased, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await ReadTombstoneAsync(tombstoneKey, ct);
            if (current is null)
            {
                break;
            }

            if (current.Document.ErasedAt is { } erasedAt)
            {
                return new PlayerErasure(playerId, erasedAt, alreadyErased);
            }

            var completed = current.Document with { ErasedAt = _time.GetUtcNow() };
            if ((await _store.ReplaceAsync(new NewItem(tombstoneKey, Serialize(completed)), current.Version, ct)).Succeeded)
            {
                return new PlayerErasure(playerId, completed.ErasedAt.Value, alreadyErased);
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The erasure could not be completed; retry.");
    }

    private async Task<StoredTombstone?> ReadTombstoneAsync(ItemKey key, CancellationToken ct)
    {
        var item = await _store.GetAsync(key, ct);
        return item is null
            ? null
            : new StoredTombstone(
                JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.AccountTombstoneDocument)
                    ?? throw new InvalidDataException($"Item {item.Key} holds no tombstone."),
                item.Version);
    }

    private static byte[] Serialize(AccountTombstoneDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.AccountTombstoneDocument);

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private sealed record StoredTombstone(AccountTombstoneDocument Document, string Version);
}
