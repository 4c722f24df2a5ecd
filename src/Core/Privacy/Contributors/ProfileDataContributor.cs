using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Profiles;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// The profile: display name, avatar, locale and the game's metadata. Erasing releases the display name (titles with
/// unique names), so another player may take it at once, then deletes the profile.
/// </summary>
public sealed class ProfileDataContributor(IDocumentStore store) : IPlayerDataContributor
{
    public string Section => "profile";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var item = await store.GetAsync(AccountService.ProfileKey(titleId, playerId), ct);
        if (item is null)
        {
            return null;
        }

        var profile = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.ProfileDocument)!;
        var export = new ProfileExport(profile.DisplayName, profile.AvatarUrl, profile.Locale, profile.Metadata, profile.UpdatedAt);
        return JsonSerializer.SerializeToNode(export, PrivacyExportJsonContext.Default.ProfileExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        var key = AccountService.ProfileKey(titleId, playerId);
        var item = await store.GetAsync(key, ct);
        if (item is null)
        {
            return;
        }

        if (JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.ProfileDocument)?.DisplayName is { } name)
        {
            var reservationKey = ProfileService.ReservationKey(titleId, ProfileRules.DisplayNameKey(name));
            var reservation = await store.GetAsync(reservationKey, ct);
            if (reservation is not null
                && JsonSerializer.Deserialize(reservation.Body, StoredDocumentJsonContext.Default.DisplayNameReservationDocument)?.PlayerId == playerId)
            {
                await store.DeleteAsync(reservationKey, reservation.Version, ct);
            }
        }

        await store.DeleteAsync(key, item.Version, ct);
    }
}
