using GameBackend.Core.Common;
using GameBackend.Core.Social;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Social;

public sealed class FriendServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private FriendService _friends = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _friends = new FriendService(_backend.Store, _backend.Titles, _backend.Time);
        _title = await _backend.CreateTitleAsync();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_request_shows_as_outgoing_and_incoming_and_an_accept_makes_both_friends()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());

        var requested = (await _friends.RequestAsync(_title.Id, ann, bob)).Value;
        Assert.Equal(FriendState.Outgoing, requested!.State);
        Assert.Equal([bob], await ListAsync(ann, FriendState.Outgoing));
        Assert.Equal([ann], await ListAsync(bob, FriendState.Incoming));

        var accepted = (await _friends.AcceptAsync(_title.Id, bob, ann)).Value;
        Assert.Equal(FriendState.Friend, accepted!.State);
        await AssertOnlyAsync(ann, FriendState.Friend, bob);
        await AssertOnlyAsync(bob, FriendState.Friend, ann);
    }

    [Fact]
    public async Task Repeating_a_request_or_an_accept_changes_nothing()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        var first = (await _friends.RequestAsync(_title.Id, ann, bob)).Value!;
        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        var again = (await _friends.RequestAsync(_title.Id, ann, bob)).Value!;
        Assert.Equal(first, again);

        var accepted = (await _friends.AcceptAsync(_title.Id, bob, ann)).Value!;
        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(accepted, (await _friends.AcceptAsync(_title.Id, bob, ann)).Value);
        Assert.Equal(FriendState.Friend, (await _friends.RequestAsync(_title.Id, ann, bob)).Value!.State);
        await AssertOnlyAsync(ann, FriendState.Friend, bob);
        await AssertOnlyAsync(bob, FriendState.Friend, ann);
    }

    [Fact]
    public async Task Requesting_a_player_who_already_asked_accepts()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.RequestAsync(_title.Id, ann, bob);

        Assert.Equal(FriendState.Friend, (await _friends.RequestAsync(_title.Id, bob, ann)).Value!.State);
        await AssertOnlyAsync(ann, FriendState.Friend, bob);
        await AssertOnlyAsync(bob, FriendState.Friend, ann);
    }

    [Fact]
    public async Task Self_unknown_malformed_and_other_title_players_are_refused_and_nothing_is_written()
    {
        var ann = await NewPlayerAsync();
        var otherTitle = await _backend.CreateTitleAsync(name: "Other Game");
        var stranger = (await _backend.SignInNewDeviceAsync(otherTitle)).SignIn.PlayerId;

        var self = await _friends.RequestAsync(_title.Id, ann, ann);
        Assert.Equal(ErrorCodes.CannotFriendSelf, self.Error?.Code);
        Assert.Equal(ErrorKind.Validation, self.Error?.Kind);
        Assert.Equal(ErrorCodes.CannotFriendSelf, (await _friends.BlockAsync(_title.Id, ann, ann)).Error?.Code);
        foreach (var other in new[] { Ids.NewId(_backend.Time), "not-an-id", stranger })
        {
            var missing = await _friends.RequestAsync(_title.Id, ann, other);
            Assert.Equal(ErrorCodes.PlayerNotFound, missing.Error?.Code);
            Assert.Equal(ErrorKind.NotFound, missing.Error?.Kind);
            Assert.Equal(ErrorCodes.PlayerNotFound, (await _friends.BlockAsync(_title.Id, ann, other)).Error?.Code);
        }

        var everything = await _backend.Store.QueryAsync(new Query(_title.Id, FriendService.Partition(ann), SortKeyCondition.All));
        Assert.Empty(everything.Items);
    }

    [Fact]
    public async Task Accept_without_a_request_is_not_found()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.RequestAsync(_title.Id, ann, bob);

        Assert.Equal(ErrorCodes.FriendRequestNotFound, (await _friends.AcceptAsync(_title.Id, ann, bob)).Error?.Code);
        await AssertOnlyAsync(ann, FriendState.Outgoing, bob);
    }

    [Fact]
    public async Task Decline_cancel_and_remove_clear_both_sides_and_are_idempotent()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());

        await _friends.RequestAsync(_title.Id, ann, bob);
        Assert.True((await _friends.DeclineAsync(_title.Id, bob, ann)).IsSuccess);
        Assert.True((await _friends.DeclineAsync(_title.Id, bob, ann)).IsSuccess);
        await AssertNothingAsync(ann);
        await AssertNothingAsync(bob);

        await _friends.RequestAsync(_title.Id, ann, bob);
        Assert.True((await _friends.CancelAsync(_title.Id, ann, bob)).IsSuccess);
        Assert.True((await _friends.CancelAsync(_title.Id, ann, bob)).IsSuccess);
        await AssertNothingAsync(ann);
        await AssertNothingAsync(bob);

        await _friends.RequestAsync(_title.Id, ann, bob);
        await _friends.AcceptAsync(_title.Id, bob, ann);
        Assert.True((await _friends.RemoveAsync(_title.Id, bob, ann)).IsSuccess);
        Assert.True((await _friends.RemoveAsync(_title.Id, bob, ann)).IsSuccess);
        await AssertNothingAsync(ann);
        await AssertNothingAsync(bob);
    }

    [Fact]
    public async Task A_block_ends_the_friendship_hides_the_blocker_and_answers_requests_like_an_unknown_player()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.RequestAsync(_title.Id, ann, bob);
        await _friends.AcceptAsync(_title.Id, bob, ann);

        Assert.Equal(FriendState.Blocked, (await _friends.BlockAsync(_title.Id, ann, bob)).Value!.State);
        Assert.Equal(FriendState.Blocked, (await _friends.BlockAsync(_title.Id, ann, bob)).Value!.State);
        await AssertOnlyAsync(ann, FriendState.Blocked, bob);
        await AssertNothingAsync(bob);

        var blocked = (await _friends.RequestAsync(_title.Id, bob, ann)).Error!;
        var unknown = (await _friends.RequestAsync(_title.Id, bob, Ids.NewId(_backend.Time))).Error!;
        Assert.Equal(unknown, blocked);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _friends.RequestAsync(_title.Id, ann, bob)).Error?.Code);
        Assert.Equal(ErrorCodes.FriendRequestNotFound, (await _friends.AcceptAsync(_title.Id, bob, ann)).Error?.Code);
        await AssertNothingAsync(bob);

        Assert.True((await _friends.UnblockAsync(_title.Id, ann, bob)).IsSuccess);
        await AssertNothingAsync(ann);
        await AssertNothingAsync(bob);
        Assert.Equal(FriendState.Outgoing, (await _friends.RequestAsync(_title.Id, bob, ann)).Value!.State);
    }

    [Fact]
    public async Task Unblocking_keeps_the_other_players_own_block()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.BlockAsync(_title.Id, ann, bob);
        await _friends.BlockAsync(_title.Id, bob, ann);

        await _friends.UnblockAsync(_title.Id, ann, bob);

        await AssertNothingAsync(ann);
        await AssertOnlyAsync(bob, FriendState.Blocked, ann);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _friends.RequestAsync(_title.Id, ann, bob)).Error?.Code);
    }

    [Fact]
    public async Task The_title_limit_counts_friends_and_outgoing_requests()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { MaxFriends = 2 });
        var ann = await NewPlayerAsync(title);
        var (bob, cat, dan) = (await NewPlayerAsync(title), await NewPlayerAsync(title), await NewPlayerAsync(title));
        await _friends.RequestAsync(title.Id, ann, bob);
        await _friends.AcceptAsync(title.Id, bob, ann);
        await _friends.RequestAsync(title.Id, ann, cat);

        var over = await _friends.RequestAsync(title.Id, ann, dan);
        Assert.Equal(ErrorCodes.FriendLimitReached, over.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, over.Error?.Kind);
        Assert.Empty(await ListAsync(dan, FriendState.Incoming, title));

        await _friends.RequestAsync(title.Id, dan, ann);
        Assert.Equal(ErrorCodes.FriendLimitReached, (await _friends.AcceptAsync(title.Id, ann, dan)).Error?.Code);
        Assert.True((await _friends.RequestAsync(title.Id, ann, cat)).IsSuccess);

        await _friends.CancelAsync(title.Id, ann, cat);
        Assert.Equal(FriendState.Friend, (await _friends.AcceptAsync(title.Id, ann, dan)).Value!.State);
    }

    [Fact]
    public async Task The_friend_limit_is_validated()
    {
        Assert.Equal(TitleSettings.DefaultMaxFriends, _title.Settings.MaxFriends);
        var invalid = await _backend.Titles.UpdateSettingsAsync(_title.Id, _title.Settings with { MaxFriends = 0 });
        Assert.Equal(ErrorCodes.InvalidFriendLimit, invalid.Error?.Code);
    }

    [Fact]
    public async Task Two_players_requesting_each_other_at_once_become_friends()
    {
        for (var round = 0; round < 5; round++)
        {
            var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
            var results = await Task.WhenAll(
                Task.Run(() => _friends.RequestAsync(_title.Id, ann, bob)),
                Task.Run(() => _friends.RequestAsync(_title.Id, bob, ann)));

            Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));
            await AssertOnlyAsync(ann, FriendState.Friend, bob);
            await AssertOnlyAsync(bob, FriendState.Friend, ann);
        }
    }

    [Fact]
    public async Task Parallel_accepts_converge_on_one_friendship()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.RequestAsync(_title.Id, ann, bob);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _friends.AcceptAsync(_title.Id, bob, ann))));

        Assert.All(results, r => Assert.Equal(FriendState.Friend, r.Value!.State));
        await AssertOnlyAsync(ann, FriendState.Friend, bob);
        await AssertOnlyAsync(bob, FriendState.Friend, ann);
    }

    [Fact]
    public async Task A_request_cut_off_after_the_first_side_is_finished_by_its_retry()
    {
        var (ann, bob) = (await NewPlayerAsync(), await NewPlayerAsync());
        await _friends.RequestAsync(_title.Id, ann, bob);
        var bobsSide = await _backend.Store.GetAsync(FriendService.EdgeKey(_title.Id, bob, ann));
        var bobsEntry = await _backend.Store.GetAsync(bobsSide!.Key with { SortKey = "incoming/" + ann });
        await _backend.Store.TransactAsync(new Transaction([
            new TransactionOperation.Delete(bobsSide.Key, bobsSide.Version),
            new TransactionOperation.Delete(bobsEntry!.Key, bobsEntry.Version)]));
        Assert.Empty(await ListAsync(bob, FriendState.Incoming));

        await _friends.RequestAsync(_title.Id, ann, bob);

        await AssertOnlyAsync(ann, FriendState.Outgoing, bob);
        await AssertOnlyAsync(bob, FriendState.Incoming, ann);
    }

    [Fact]
    public async Task Lists_page_with_the_cursor_and_reject_a_foreign_one()
    {
        var ann = await NewPlayerAsync();
        var others = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var other = await NewPlayerAsync();
            others.Add(other);
            await _friends.RequestAsync(_title.Id, ann, other);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await _friends.ListAsync(_title.Id, ann, FriendState.Outgoing, 2, cursor)).Value;
            seen.AddRange(page.Items.Select(i => i.PlayerId));
            cursor = page.Cursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(others.Order(StringComparer.Ordinal), seen);
        Assert.InRange(pages, 3, 4);
        Assert.Equal(ErrorCodes.InvalidPageLimit, (await _friends.ListAsync(_title.Id, ann, FriendState.Friend, 0, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidPageLimit, (await _friends.ListAsync(_title.Id, ann, FriendState.Friend, 101, null)).Error?.Code);
        await Assert.ThrowsAnyAsync<InvalidContinuationTokenException>(() => _friends.ListAsync(_title.Id, ann, FriendState.Friend, 2, "garbage"));
        Assert.Equal(ErrorCodes.InvalidFriendState, FriendService.ParseState("enemy").Error?.Code);
    }

    private async Task<string> NewPlayerAsync(Title? title = null) => (await _backend.SignInNewDeviceAsync(title ?? _title)).SignIn.PlayerId;

    private async Task<List<string>> ListAsync(string playerId, FriendState state, Title? title = null) =>
        (await _friends.ListAsync((title ?? _title).Id, playerId, state, FriendService.MaxPageSize, null)).Value.Items.Select(i => i.PlayerId).ToList();

    private async Task AssertOnlyAsync(string playerId, FriendState state, string otherId)
    {
        foreach (var listed in Enum.GetValues<FriendState>())
        {
            Assert.Equal(listed == state ? [otherId] : [], await ListAsync(playerId, listed));
        }
    }

    private async Task AssertNothingAsync(string playerId)
    {
        foreach (var listed in Enum.GetValues<FriendState>())
        {
            Assert.Empty(await ListAsync(playerId, listed));
        }
    }
}
