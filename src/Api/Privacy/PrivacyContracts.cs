using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GameBackend.Core.Privacy;

namespace GameBackend.Api.Privacy;

/// <summary>
/// A player's own deletion must be confirmed in the body, {"confirm":"DELETE"}, so a stray or replayed DELETE without
/// it (a client bug, a misrouted request) can never erase an account.
/// </summary>
public sealed record DeleteAccountRequest
{
    public const string ConfirmationWord = "DELETE";

    [JsonRequired]
    public required string Confirm { get; init; }
}

/// <summary>Everything the backend holds about the player: one member of <see cref="Sections"/> per feature (null when it holds nothing).</summary>
public sealed record PlayerExportResponse(string TitleId, string PlayerId, DateTimeOffset ExportedAt, JsonObject Sections)
{
    public static PlayerExportResponse From(PlayerExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return new(export.TitleId, export.PlayerId, export.ExportedAt, export.Sections);
    }
}

/// <summary>The erasure is complete; <see cref="AlreadyErased"/> tells a re-run (which cleaned up again) from the first.</summary>
public sealed record PlayerErasureResponse(string PlayerId, DateTimeOffset ErasedAt, bool AlreadyErased)
{
    public static PlayerErasureResponse From(PlayerErasure erasure)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return new(erasure.PlayerId, erasure.ErasedAt, erasure.AlreadyErased);
    }
}
