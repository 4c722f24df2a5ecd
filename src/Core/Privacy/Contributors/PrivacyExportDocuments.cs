using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>The "account" section: identities are personal data (device ids, emails); password hashes are never exported.</summary>
internal sealed record AccountExport(
    string PlayerId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<IdentityExport> Identities,
    bool Disabled,
    DateTimeOffset? BannedUntil,
    string? BanReason,
    IReadOnlyList<SessionExport> Sessions);

internal sealed record IdentityExport(string Method, string Subject, DateTimeOffset LinkedAt, bool HasPassword);

/// <summary>A signed-in session (refresh-token family): when it started, how often it was refreshed, when it lapses.</summary>
internal sealed record SessionExport(string SessionId, DateTimeOffset StartedAt, int Refreshes, DateTimeOffset? ExpiresAt);

internal sealed record ProfileExport(string? DisplayName, string? AvatarUrl, string? Locale, JsonElement? Metadata, DateTimeOffset UpdatedAt);

/// <summary>
/// The "reports" section. Reports the player filed are theirs in full. Reports about them show what and when, but
/// not who reported nor their words: those are the reporters' personal data (GDPR Art. 15(4)).
/// </summary>
internal sealed record ReportsExport(IReadOnlyList<FiledReportExport> Filed, IReadOnlyList<ReceivedReportExport> Received);

internal sealed record FiledReportExport(string ReportId, string ReportedPlayerId, string Category, string? Comment, string Status, DateTimeOffset CreatedAt);

internal sealed record ReceivedReportExport(string ReportId, string Category, string Status, DateTimeOffset CreatedAt, string? Action, DateTimeOffset? BanUntil);

internal sealed record ProgressionExport(
    long Xp,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyDictionary<string, DateTimeOffset> Achievements,
    IReadOnlyList<XpGrantExport> RecentXpGrants,
    DateTimeOffset? UpdatedAt);

internal sealed record XpGrantExport(long Amount, string Source, string? Detail, DateTimeOffset GrantedAt);

internal sealed record StorageExport(IReadOnlyList<StorageObjectExport> Objects);

internal sealed record StorageObjectExport(string Collection, string Key, JsonElement Value, string ReadPermission, string WritePermission, DateTimeOffset UpdatedAt);

internal sealed record FriendsExport(IReadOnlyList<FriendExport> Relationships);

/// <summary>One relationship from the player's side: friend, incoming or outgoing request, or a player they blocked.</summary>
internal sealed record FriendExport(string PlayerId, string State, DateTimeOffset Since);

internal sealed record LeaderboardsExport(IReadOnlyList<LeaderboardRecordExport> Records);

internal sealed record LeaderboardRecordExport(string Leaderboard, string Period, double Score, JsonElement? Metadata, DateTimeOffset UpdatedAt);

/// <summary>
/// The "matchmaking" section: the player's ratings and their latest ticket. Tickets and matches name the player only by
/// id and expire on their own (tickets an hour after they end, matches after 7 days); see docs/matchmaking.md.
/// </summary>
internal sealed record MatchmakingExport(IReadOnlyList<RatingExport> Ratings, LatestTicketExport? LatestTicket);

internal sealed record RatingExport(string Key, string System, double? Rating, double? Deviation, double? Volatility, double? Mu, double? Sigma, int Games, DateTimeOffset? LastPlayedAt);

internal sealed record LatestTicketExport(string QueueId, string TicketId);

/// <summary>Source-generated, so building the export needs no reflection (AOT). Nulls are written: an export says "none" explicitly.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AccountExport))]
[JsonSerializable(typeof(ProfileExport))]
[JsonSerializable(typeof(ReportsExport))]
[JsonSerializable(typeof(ProgressionExport))]
[JsonSerializable(typeof(StorageExport))]
[JsonSerializable(typeof(FriendsExport))]
[JsonSerializable(typeof(LeaderboardsExport))]
[JsonSerializable(typeof(MatchmakingExport))]
internal sealed partial class PrivacyExportJsonContext : JsonSerializerContext;
