using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// The account: identities (device ids, emails, custom ids are personal data), enforcement state and sessions.
/// Erasing frees every identity link, so signing in with the same device id, email or custom id afterwards makes a
/// brand-new player and can never re-attach to the erased one. The account item itself is deleted last, by
/// <see cref="PlayerPrivacyService"/>, once every other section is gone.
/// </summary>
public sealed class AccountDataContributor(IDocumentStore store) : IPlayerDataContributor
{
    private const string FamilyPrefix = "family/";

    public string Section => "account";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var item = await store.GetAsync(AccountService.AccountKey(titleId, playerId), ct);
        if (item is null)
        {
            return null;
        }

        var account = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.AccountDocument)!;
        var identities = new List<IdentityExport>(account.Identities.Count);
        foreach (var identity in account.Identities)
        {
            var link = await ReadLinkAsync(titleId, identity, ct);
            identities.Add(new IdentityExport(identity.Method.ToString().ToLowerInvariant(), identity.Subject, identity.LinkedAt, link?.Document.PasswordHash is not null));
        }

        var sessions = new List<SessionExport>();
        foreach (var family in await ReadFamiliesAsync(titleId, playerId, ct))
        {
            var document = JsonSerializer.Deserialize(family.Body, StoredDocumentJsonContext.Default.RefreshFamilyDocument)!;
            sessions.Add(new SessionExport(document.FamilyId, document.CreatedAt, document.Generation - 1, family.ExpiresAt));
        }

        var export = new AccountExport(account.PlayerId, account.CreatedAt, identities, account.Disabled, account.BannedUntil, account.BanReason, sessions);
        return JsonSerializer.SerializeToNode(export, PrivacyExportJsonContext.Default.AccountExport);
    }

    /// <summary>Frees every identity link that still names the player, and ends every session.</summary>
    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        if (await store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is { } item)
        {
            var account = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.AccountDocument)!;
            foreach (var identity in account.Identities)
            {
                // A link naming another player is theirs now (freed and claimed again): never touch it.
                if (await ReadLinkAsync(titleId, identity, ct) is { } link && link.Document.PlayerId == playerId)
                {
                    await store.DeleteAsync(link.Item.Key, link.Item.Version, ct);
                }
            }
        }

        foreach (var family in await ReadFamiliesAsync(titleId, playerId, ct))
        {
            await store.DeleteAsync(family.Key, family.Version, ct);
        }
    }

    private async Task<(StoredItem Item, IdentityLinkDocument Document)?> ReadLinkAsync(string titleId, LinkedIdentity identity, CancellationToken ct)
    {
        var item = await store.GetAsync(AccountService.IdentityKey(titleId, identity.Method, identity.Subject), ct);
        return item is null ? null : (item, JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.IdentityLinkDocument)!);
    }

    private async Task<List<StoredItem>> ReadFamiliesAsync(string titleId, string playerId, CancellationToken ct)
    {
        var families = new List<StoredItem>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(
                new Query(titleId, AccountService.PlayerPartition(playerId), SortKeyCondition.BeginsWith(FamilyPrefix), Limit: Query.MaxLimit, ContinuationToken: token), ct);
            families.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return families;
    }
}
