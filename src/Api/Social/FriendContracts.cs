using GameBackend.Core.Social;

namespace GameBackend.Api.Social;

/// <summary>The caller's edge to another player: state is friend, incoming, outgoing or blocked.</summary>
public sealed record FriendResponse(string PlayerId, string State, DateTimeOffset Since)
{
    public static FriendResponse From(FriendEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return new(edge.PlayerId, FriendService.FormatState(edge.State), edge.Since);
    }
}

/// <summary>A page of the caller's friend list; pass <see cref="Cursor"/> back to read the next page (null on the last).</summary>
public sealed record FriendListResponse(IReadOnlyList<FriendResponse> Items, string? Cursor);
