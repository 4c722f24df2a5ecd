using GameBackend.Core.Common;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Social;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Leaderboards;

/// <summary>The friends view: the caller and accepted friends only, in rank order, with board-wide ranks.</summary>
public sealed class FriendLeaderboardTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private LeaderboardService _leaderboards = null!;
    private FriendService _friends = null!;
    private FriendLeaderboard _view = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _leaderboards = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        _friends = new FriendService(_backend.Store, _backend.Titles, _backend.Time);
        _view = new FriendLeaderboard(_leaderboards, _friends);
        _title = await _backend.CreateTitleAsync();
        Assert.True((await _leaderboards.CreateAsync(_title.Id, new LeaderboardDefinition("points", null, null, null))).IsSuccess);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private async Task<string> NewPlayerWithScoreAsync(double? score)
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        if (score is { } value)
        {
            Assert.True((await _leaderboards.SubmitAsync(_title.Id, "points", signIn.PlayerId, value, null)).IsSuccess);
        }

        return signIn.PlayerId;
    }

    private async Task BefriendAsync(string a, string b)
    {
        Assert.True((await _friends.RequestAsync(_title.Id, a, b)).IsSuccess);
        Assert.True((await _friends.AcceptAsync(_title.Id, b, a)).IsSuccess);
    }

    [Fact]
    public async Task Only_the_caller_and_accepted_friends_appear_with_their_board_wide_ranks()
    {
        var me = await NewPlayerWithScoreAsync(50);
        var friendAhead = await NewPlayerWithScoreAsync(90);
        var friendBehind = await NewPlayerWithScoreAsync(10);
        var friendWithoutRecord = await NewPlayerWithScoreAsync(null);
        var stranger = await NewPlayerWithScoreAsync(100);
        var pending = await NewPlayerWithScoreAsync(70);
        await BefriendAsync(me, friendAhead);
        await BefriendAsync(friendBehind, me);
        await BefriendAsync(me, friendWithoutRecord);
        Assert.True((await _friends.RequestAsync(_title.Id, me, pending)).IsSuccess);

        var view = (await _view.GetAsync(_title.Id, "points", me, null)).Value;
        Assert.Equal([friendAhead, me, friendBehind], view.Records.Select(r => r.PlayerId));
        Assert.Equal([2L, 4, 5], view.Records.Select(r => r.Rank));
        Assert.Equal(5, view.Total);
        Assert.DoesNotContain(stranger, view.Records.Select(r => r.PlayerId));
    }

    [Fact]
    public async Task A_player_without_friends_sees_only_themselves_and_unknown_boards_are_not_found()
    {
        var me = await NewPlayerWithScoreAsync(5);
        Assert.Equal([me], (await _view.GetAsync(_title.Id, "points", me, null)).Value.Records.Select(r => r.PlayerId));
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _view.GetAsync(_title.Id, "nope", me, null)).Error?.Code);
    }
}
