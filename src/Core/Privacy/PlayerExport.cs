using System.Text.Json.Nodes;

namespace GameBackend.Core.Privacy;

/// <summary>
/// Everything the backend holds about one player (GDPR Art. 15 and 20): one section per feature, keyed by
/// <see cref="IPlayerDataContributor.Section"/>; a feature that holds nothing about the player has a null section.
/// </summary>
public sealed record PlayerExport(string TitleId, string PlayerId, DateTimeOffset ExportedAt, JsonObject Sections);

/// <summary>The outcome of an erasure: when it completed, and whether this call found it already complete (a re-run).</summary>
public sealed record PlayerErasure(string PlayerId, DateTimeOffset ErasedAt, bool AlreadyErased);
