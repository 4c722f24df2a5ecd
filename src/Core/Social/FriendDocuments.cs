namespace GameBackend.Core.Social;

/// <summary>
/// A side's authoritative edge at (title, "player/{playerId}/friends", "edge/{otherPlayerId}"). Every change of the
/// side is a version-checked write of this item, so concurrent writers of one side never lose an update.
/// </summary>
internal sealed record FriendEdgeDocument(FriendState State, DateTimeOffset Since);

/// <summary>
/// The list entry at (title, "player/{playerId}/friends", "{state}/{otherPlayerId}"), written in the same transaction
/// as the edge, so listing one state is one prefix query of the partition.
/// </summary>
internal sealed record FriendListEntryDocument(DateTimeOffset Since);
