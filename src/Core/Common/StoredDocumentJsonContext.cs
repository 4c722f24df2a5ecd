using System.Text.Json.Serialization;
using GameBackend.Core.Accounts;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Moderation;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Profiles;
using GameBackend.Core.Sessions;
using GameBackend.Core.Social;
using GameBackend.Core.Progression;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Common;

/// <summary>
/// Source-generated (de)serialization of every document Core stores, so reading and writing items needs
/// no reflection and stays Native-AOT and trim clean. Property names are camelCase and enums are strings,
/// so the stored JSON is readable in any store's console and survives reordering enum members.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(TitleDocument))]
[JsonSerializable(typeof(LeaderboardDocument))]
[JsonSerializable(typeof(LeaderboardRecordDocument))]
[JsonSerializable(typeof(AccountDocument))]
[JsonSerializable(typeof(IdentityLinkDocument))]
[JsonSerializable(typeof(RefreshFamilyDocument))]
[JsonSerializable(typeof(ProfileDocument))]
[JsonSerializable(typeof(DisplayNameReservationDocument))]
[JsonSerializable(typeof(FriendEdgeDocument))]
[JsonSerializable(typeof(FriendListEntryDocument))]
[JsonSerializable(typeof(PlayerStorageObjectDocument))]
[JsonSerializable(typeof(PlayerStorageUsageDocument))]
[JsonSerializable(typeof(ProgressionConfigDocument))]
[JsonSerializable(typeof(PlayerProgressionDocument))]
[JsonSerializable(typeof(ReportDocument))]
[JsonSerializable(typeof(MadeReportDocument))]
[JsonSerializable(typeof(ReportDayCountDocument))]
[JsonSerializable(typeof(AccountTombstoneDocument))]
[JsonSerializable(typeof(QueueDocument))]
[JsonSerializable(typeof(QueueRegistryDocument))]
[JsonSerializable(typeof(QueueLeaseDocument))]
[JsonSerializable(typeof(TicketDocument))]
[JsonSerializable(typeof(ActiveTicketDocument))]
[JsonSerializable(typeof(MatchDocument))]
[JsonSerializable(typeof(PlayerRatingDocument))]
[JsonSerializable(typeof(RelayDocument))]
internal sealed partial class StoredDocumentJsonContext : JsonSerializerContext;
