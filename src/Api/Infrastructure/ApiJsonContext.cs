using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Api.Accounts;
using GameBackend.Api.Analytics;
using GameBackend.Api.Admin;
using GameBackend.Api.Health;
using GameBackend.Api.Leaderboards;
using GameBackend.Api.Matchmaking;
using GameBackend.Api.Sessions;
using GameBackend.Core.Matchmaking;
using GameBackend.Api.Moderation;
using GameBackend.Api.PlayerData;
using GameBackend.Api.Privacy;
using GameBackend.Api.Profiles;
using GameBackend.Api.Social;
using GameBackend.Api.Progression;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// Every type the API reads or writes, source-generated (AOT, no reflection). Strict on input: unknown
/// members, missing required members, nulls where the contract has none, numbers in strings, and
/// duplicate members are all 400s, so a client's typo never passes silently.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IngestRequest))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(IReadOnlyList<GameBackend.Core.Analytics.TelemetryEventError>))]
[JsonSerializable(typeof(QueueConfig))]
[JsonSerializable(typeof(QueueResponse))]
[JsonSerializable(typeof(QueueListResponse))]
[JsonSerializable(typeof(CreateTicketRequest))]
[JsonSerializable(typeof(CreatePartyTicketRequest))]
[JsonSerializable(typeof(ReportMatchResultRequest))]
[JsonSerializable(typeof(TicketResponse))]
[JsonSerializable(typeof(MatchResponse))]
[JsonSerializable(typeof(PlayerRatingListResponse))]
[JsonSerializable(typeof(TickReportResponse))]
[JsonSerializable(typeof(RelayKeyListResponse))]
[JsonSerializable(typeof(RelayHeartbeatRequest))]
[JsonSerializable(typeof(RelayHeartbeatResponse))]
[JsonSerializable(typeof(RelayListResponse))]
[JsonSerializable(typeof(DeviceSignInRequest))]
[JsonSerializable(typeof(CustomSignInRequest))]
[JsonSerializable(typeof(EmailCredentialsRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(LinkDeviceRequest))]
[JsonSerializable(typeof(UnlinkRequest))]
[JsonSerializable(typeof(SignInResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(ProfilePatchRequest))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(CreateLeaderboardRequest))]
[JsonSerializable(typeof(SubmitScoreRequest))]
[JsonSerializable(typeof(LeaderboardResponse))]
[JsonSerializable(typeof(LeaderboardListResponse))]
[JsonSerializable(typeof(LeaderboardRecordResponse))]
[JsonSerializable(typeof(LeaderboardRecordPageResponse))]
[JsonSerializable(typeof(BanRequest))]
[JsonSerializable(typeof(LinkCustomIdRequest))]
[JsonSerializable(typeof(AdminPlayerResponse))]
[JsonSerializable(typeof(ServerKeyResponse))]
[JsonSerializable(typeof(SigningKeyResponse))]
[JsonSerializable(typeof(TitleSettingsDocument))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(FriendResponse))]
[JsonSerializable(typeof(FriendListResponse))]
[JsonSerializable(typeof(PutStorageObjectRequest))]
[JsonSerializable(typeof(StorageObjectResponse))]
[JsonSerializable(typeof(StorageObjectPageResponse))]
[JsonSerializable(typeof(ProgressionConfigDocument))]
[JsonSerializable(typeof(StatIncrementRequest))]
[JsonSerializable(typeof(XpGrantRequest))]
[JsonSerializable(typeof(ProgressionResponse))]
[JsonSerializable(typeof(PublicProgressionResponse))]
[JsonSerializable(typeof(ProgressionChangeResponse))]
[JsonSerializable(typeof(AchievementUnlockResponse))]
[JsonSerializable(typeof(FileReportRequest))]
[JsonSerializable(typeof(PlayerReportResponse))]
[JsonSerializable(typeof(ResolveReportRequest))]
[JsonSerializable(typeof(AdminReportResponse))]
[JsonSerializable(typeof(AdminReportPageResponse))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(PlayerExportResponse))]
[JsonSerializable(typeof(PlayerErasureResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
