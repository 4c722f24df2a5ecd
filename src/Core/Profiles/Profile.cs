using System.Text.Json;
using GameBackend.Core.Common;

namespace GameBackend.Core.Profiles;

/// <summary>What other players may see of a player. <see cref="Metadata"/> is the game's own bounded JSON object.</summary>
public sealed record Profile(
    string PlayerId,
    string? DisplayName,
    string? AvatarUrl,
    string? Locale,
    JsonElement? Metadata,
    DateTimeOffset UpdatedAt,
    string Version);

/// <summary>A partial update: a null member is left as it is.</summary>
public sealed record ProfileUpdate(string? DisplayName, string? AvatarUrl, string? Locale, JsonElement? Metadata);

/// <summary>Reads and updates profiles (validation: display name, URL, locale, metadata size and depth).</summary>
public sealed class ProfileService
{
    // CONTRACT (implementation owned by the Core helper):
    // ctor(IDocumentStore store, TitleService titles, TimeProvider time)

    /// <summary>A player's profile; every account has one (empty at first). "player_not_found" when absent.</summary>
    public Task<Result<Profile>> GetAsync(string titleId, string playerId, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Applies the update; with <paramref name="expectedVersion"/>, a mismatch is a 409 "version_conflict".</summary>
    public Task<Result<Profile>> UpdateAsync(string titleId, string playerId, ProfileUpdate update, string? expectedVersion, CancellationToken ct = default) => throw new NotImplementedException();
}
