using System.Text.Json;
using GameBackend.Core.Profiles;

namespace GameBackend.Api.Profiles;

/// <summary>A partial update: an absent or null member is left as it is.</summary>
public sealed record ProfilePatchRequest
{
    public string? DisplayName { get; init; }

    public string? AvatarUrl { get; init; }

    public string? Locale { get; init; }

    /// <summary>The game's own JSON object (bounded in size and depth by Core).</summary>
    public JsonElement? Metadata { get; init; }
}

public sealed record ProfileResponse(
    string PlayerId,
    string? DisplayName,
    string? AvatarUrl,
    string? Locale,
    JsonElement? Metadata,
    DateTimeOffset UpdatedAt)
{
    public static ProfileResponse From(Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new(profile.PlayerId, profile.DisplayName, profile.AvatarUrl, profile.Locale, profile.Metadata, profile.UpdatedAt);
    }
}
