using System.Text.Json.Nodes;

namespace GameBackend.Core.Privacy;

/// <summary>
/// One feature's part of a player's personal data. Every feature that stores something about a player registers one,
/// so <see cref="PlayerPrivacyService"/> can export and erase a player without knowing any feature's storage layout,
/// and a new feature cannot be forgotten by the export or the erasure: it only has to register its contributor.
/// </summary>
public interface IPlayerDataContributor
{
    /// <summary>The member of the export's "sections" object this contributor fills (for example "profile"); unique.</summary>
    string Section { get; }

    /// <summary>What the feature holds about the player, as JSON; null when it holds nothing.</summary>
    Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct);

    /// <summary>
    /// Erases what the feature holds about the player. Must be idempotent and safe to run again after a crash part-way
    /// (the erasure is re-run until it completes), and must work when the account item is already gone.
    /// </summary>
    Task EraseAsync(string titleId, string playerId, CancellationToken ct);
}
