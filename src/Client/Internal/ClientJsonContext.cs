using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Client.Internal;

/// <summary>
/// Every type the client reads or writes, source-generated: no reflection, so it works under IL2CPP and
/// Native AOT and needs no link.xml. Lenient on input (unknown members are ignored) so an older game keeps
/// working when the backend adds members; null members are left out of requests, which the API reads as
/// "absent" (a profile patch leaves them as they are).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(DeviceSignInRequest))]
[JsonSerializable(typeof(EmailCredentialsRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(SignInResult))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(PlayerExport))]
[JsonSerializable(typeof(PlayerErasure))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(ProfileUpdate))]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(Friend))]
[JsonSerializable(typeof(FriendPage))]
[JsonSerializable(typeof(StorageObject))]
[JsonSerializable(typeof(StorageObjectPage))]
[JsonSerializable(typeof(PutStorageObjectRequest))]
[JsonSerializable(typeof(LeaderboardRecord))]
[JsonSerializable(typeof(LeaderboardRecordPage))]
[JsonSerializable(typeof(SubmitScoreRequest))]
[JsonSerializable(typeof(Progression))]
[JsonSerializable(typeof(PublicProgression))]
[JsonSerializable(typeof(ProgressionChange))]
[JsonSerializable(typeof(StatIncrementRequest))]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(Match))]
[JsonSerializable(typeof(PlayerRatingList))]
[JsonSerializable(typeof(CreateTicketRequest))]
[JsonSerializable(typeof(ReportMatchResultRequest))]
[JsonSerializable(typeof(SendEventsResponse))]
[JsonSerializable(typeof(List<TelemetryEventRejection>))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
