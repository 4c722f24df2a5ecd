using System.Text.Json;

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
