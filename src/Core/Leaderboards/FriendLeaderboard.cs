using GameBackend.Core.Common;
using GameBackend.Core.Social;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// The friends-only view of a board: the caller and their accepted friends, in rank order, each with their board-wide
/// rank (so "3rd among friends, 1,204th overall" can both be shown). Friendship comes from <see cref="FriendService"/>,
/// so only mutual friends appear; a block removes the friendship and with it the player from this view.
/// </summary>
public sealed class FriendLeaderboard
{
    private readonly LeaderboardService _leaderboards;
    private readonly FriendService _friends;

    public FriendLeaderboard(LeaderboardService leaderboards, FriendService friends)
    {
        _leaderboards = leaderboards ?? throw new ArgumentNullException(nameof(leaderboards));
        _friends = friends ?? throw new ArgumentNullException(nameof(friends));
    }

    public async Task<Result<LeaderboardRecordPage>> GetAsync(string titleId, string boardId, string playerId, string? periodId, CancellationToken ct = default)
    {
        var players = new List<string> { playerId };
        string? cursor = null;
        do
        {
            // The title's friend limit bounds the pages (at most 5,000 friends, 100 per page).
            var page = await _friends.ListAsync(titleId, playerId, FriendState.Friend, FriendService.MaxPageSize, cursor, ct);
            if (!page.IsSuccess)
            {
                return page.Error;
            }

            players.AddRange(page.Value.Items.Select(edge => edge.PlayerId));
            cursor = page.Value.Cursor;
        }
        while (cursor is not null && players.Count < LeaderboardService.MaxPlayersPerView);

        return await _leaderboards.GetForPlayersAsync(titleId, boardId, players, periodId, ct);
    }
}
