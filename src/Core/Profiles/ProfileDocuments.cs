using System.Text.Json;

namespace GameBackend.Core.Profiles;

/// <summary>The stored profile at (title, "player/{playerId}", "profile"), made empty with the account.</summary>
internal sealed record ProfileDocument(string? DisplayName, string? AvatarUrl, string? Locale, JsonElement? Metadata, DateTimeOffset UpdatedAt)
{
    public static ProfileDocument Empty(DateTimeOffset now) => new(null, null, null, null, now);

    public Profile ToProfile(string playerId, string version) => new(playerId, DisplayName, AvatarUrl, Locale, Metadata, UpdatedAt, version);
}

/// <summary>
/// Who holds a display name at (title, "display-name/{normalized}", "owner"), for titles with unique names.
/// Created if absent, so two players cannot both reserve a name.
/// </summary>
internal sealed record DisplayNameReservationDocument(string PlayerId, DateTimeOffset ReservedAt);
