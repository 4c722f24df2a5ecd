using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Leaderboards;

/// <summary>score_submitted: one per accepted submission, after the record is stored, best effort.</summary>
public sealed class ScoreEventsTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private LeaderboardService _leaderboards = null!;
    private string _title = null!;

    public async Task InitializeAsync()
    {
        _leaderboards = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        _title = (await _backend.CreateTitleAsync()).Id;
        Assert.True((await _leaderboards.CreateAsync(_title, new LeaderboardDefinition("weekly", null, "best", null))).IsSuccess);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private static string Player(int i) => $"{i:D32}";

    [Fact]
    public async Task Every_accepted_submission_publishes_score_submitted_with_board_and_score()
    {
        Assert.True((await _leaderboards.SubmitAsync(_title, "weekly", Player(1), 120.5, null)).IsSuccess);
        Assert.True((await _leaderboards.SubmitAsync(_title, "weekly", Player(1), 80, null)).IsSuccess); // not better: still a submission

        var events = _backend.Events.Events.ToArray();
        Assert.Equal([120.5, 80], events.Select(e => e.Properties!.Value.GetProperty("score").GetDouble()));
        Assert.All(events, e =>
        {
            Assert.Equal((BackendEventNames.ScoreSubmitted, _title, Player(1), _backend.Time.GetUtcNow()), (e.Name, e.TitleId, e.PlayerId, e.Time));
            Assert.Equal("weekly", e.Properties!.Value.GetProperty("leaderboard").GetString());
            Assert.True(Ids.IsWellFormed(e.Id));
        });
    }

    [Fact]
    public async Task A_refused_submission_publishes_nothing()
    {
        Assert.False((await _leaderboards.SubmitAsync(_title, "weekly", Player(2), double.NaN, null)).IsSuccess);
        Assert.False((await _leaderboards.SubmitAsync(_title, "no-such-board", Player(2), 1, null)).IsSuccess);

        Assert.Empty(_backend.Events.Events);
    }

    [Fact]
    public async Task A_bus_that_refuses_does_not_fail_the_submission()
    {
        _backend.Events.Unavailable = true;
        var publisher = _backend.Events.Publisher();
        var leaderboards = new LeaderboardService(_backend.Store, new InProcessRankIndex(), publisher, _backend.Time);

        var submitted = await leaderboards.SubmitAsync(_title, "weekly", Player(3), 42, null);

        Assert.True(submitted.IsSuccess, submitted.Error?.Code);
        Assert.Equal(1, publisher.Dropped);
        Assert.Equal(42, (await leaderboards.GetRecordAsync(_title, "weekly", Player(3), null)).Value.Score);
    }
}
