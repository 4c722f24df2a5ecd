namespace GameBackend.Core.Social;

/// <summary>
/// What one player's edge to another says, from that player's side. Each side is stored in its own player's
/// partition, so the two sides of a pair are separate items (see <see cref="FriendService"/> for how they converge).
/// </summary>
public enum FriendState
{
    /// <summary>Both players agreed.</summary>
    Friend,
    /// <summary>This player asked the other and waits.</summary>
    Outgoing,
    /// <summary>The other player asked this one.</summary>
    Incoming,
    /// <summary>This player blocked the other. The blocked player never sees this edge.</summary>
    Blocked,
}

/// <summary>One entry of a player's friend list: who, in which state, since when.</summary>
public sealed record FriendEdge(string PlayerId, FriendState State, DateTimeOffset Since);

/// <summary>A page of a friend list; <see cref="Cursor"/> is null on the last page.</summary>
public sealed record FriendPage(IReadOnlyList<FriendEdge> Items, string? Cursor);
