using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Matchmaking;

namespace GameBackend.Core.Tests.Matchmaking;

public sealed class MatchResultsTests : IAsyncLifetime
{
    private readonly MatchmakingBackend _mm = new();
    private GameBackend.Core.Tenancy.Title _title = null!;

    public async Task InitializeAsync() => _title = await _mm.CreateTitleAsync();

    public async Task DisposeAsync() => await _mm.DisposeAsync();

    /// <summary>Forms one 2v2 match in a new queue and returns it (team 0 and team 1 player ids by seat).</summary>
    private async Task<MatchDocument> FormMatchAsync(string queueId, QueueConfig? config = null)
    {
        await _mm.PutQueueAsync(_title, queueId, config ?? new QueueConfig { Teams = 2, TeamSize = 2 });
        var players = await _mm.NewPlayersAsync(_title, 4);
        foreach (var player in players)
        {
            await _mm.QueueAsync(_title, queueId, player);
        }

        Assert.Equal(1, (await _mm.TickAsync(_title, queueId)).MatchesFormed);
        return (await _mm.Tickets.GetLatestAsync(_title.Id, players[0])).Value.Assignment!.Match;
    }

    private async Task<PlayerRatingDocument> RatingOf(string player, string key, RatingSystem system = RatingSystem.Glicko2) =>
        await _mm.Ratings.GetAsync(_title.Id, player, key, system, 24, default);

    [Fact]
    public async Task A_server_report_updates_every_rating_once_winners_up_losers_down()
    {
        var match = await FormMatchAsync("ranked");

        var reported = await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], null);

        Assert.True(reported.IsSuccess, reported.Error?.Message);
        Assert.Equal(MatchStatus.Rated, reported.Value.Match.Status);
        foreach (var seat in match.Players)
        {
            var rating = await RatingOf(seat.PlayerId, "ranked");
            Assert.Equal(1, rating.Games);
            Assert.True(seat.Team == 0 ? rating.Value.Rating > 1500 : rating.Value.Rating < 1500, $"team {seat.Team}: {rating.Value.Rating}");
            Assert.True(rating.Value.Deviation < 350);
        }

        var completed = Assert.Single(_mm.Events.Events, e => e.Name == BackendEventNames.MatchCompleted);
        Assert.Equal(match.Id, completed.Properties!.Value.GetProperty("match").GetString());
    }

    [Fact]
    public async Task Repeated_and_conflicting_reports_are_refused_and_change_nothing()
    {
        var match = await FormMatchAsync("ranked");
        await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], null);
        var before = await RatingOf(match.Players[0].PlayerId, "ranked");

        var repeated = await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], null);
        var conflicting = await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [2, 1], null);

        Assert.Equal(ErrorCodes.ResultAlreadyReported, repeated.Error!.Code);
        Assert.Equal(ErrorCodes.ResultConflict, conflicting.Error!.Code);
        var after = await RatingOf(match.Players[0].PlayerId, "ranked");
        Assert.Equal(before, after with { RecentMatches = before.RecentMatches });
        Assert.Equal(1, after.Games);
    }

    [Fact]
    public async Task Bad_results_are_refused()
    {
        var match = await FormMatchAsync("ranked");
        var stranger = await _mm.NewPlayerAsync(_title);

        Assert.Equal(ErrorCodes.InvalidMatchResult, (await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1], null)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidMatchResult, (await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 3], null)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidMatchResult, (await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [0, 1], null)).Error!.Code);
        Assert.Equal(ErrorCodes.MatchNotFound, (await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], stranger)).Error!.Code);
        Assert.Equal(ErrorCodes.MatchNotFound, (await _mm.Results.ReportAsync(_title.Id, "ranked", Ids.NewId(TimeProvider.System), [1, 2], null)).Error!.Code);
        Assert.Equal(ErrorCodes.PlayerReportsDisabled, (await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], match.Players[0].PlayerId)).Error!.Code);

        Assert.Equal(MatchStatus.Formed, (await _mm.Results.GetAsync(_title.Id, "ranked", match.Id, null)).Value.Match.Status);
        Assert.Equal(0, (await RatingOf(match.Players[0].PlayerId, "ranked")).Games);
    }

    [Fact]
    public async Task Another_title_cannot_read_or_report_a_match()
    {
        var match = await FormMatchAsync("ranked");
        var other = await _mm.CreateTitleAsync();

        Assert.Equal(ErrorCodes.MatchNotFound, (await _mm.Results.GetAsync(other.Id, "ranked", match.Id, null)).Error!.Code);
        Assert.Equal(ErrorCodes.MatchNotFound, (await _mm.Results.ReportAsync(other.Id, "ranked", match.Id, [1, 2], null)).Error!.Code);
    }

    [Fact]
    public async Task With_majority_agreement_the_result_is_final_when_more_than_half_agree()
    {
        var match = await FormMatchAsync("casual", new QueueConfig { Teams = 2, TeamSize = 2, Results = new ResultReportingConfig { Reporters = "players", Agreement = "majority" } });
        var seats = match.Players;

        Assert.Equal(MatchStatus.Formed, (await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [1, 2], seats[0].PlayerId)).Value.Match.Status);
        Assert.Equal(MatchStatus.Formed, (await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [2, 1], seats[2].PlayerId)).Value.Match.Status);
        Assert.Equal(ErrorCodes.ResultAlreadyReported, (await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [1, 2], seats[0].PlayerId)).Error!.Code);
        Assert.Equal(MatchStatus.Formed, (await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [1, 2], seats[1].PlayerId)).Value.Match.Status);
        var final = await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [1, 2], seats[3].PlayerId);

        Assert.Equal(MatchStatus.Rated, final.Value.Match.Status);
        Assert.Equal([1, 2], final.Value.Match.Result);
        Assert.True(final.Value.CallerChange!.After.Rating < 1500, "seat 3 is on the losing team 1");
        Assert.Equal(ErrorCodes.ResultConflict, (await _mm.Results.ReportAsync(_title.Id, "casual", match.Id, [2, 1], seats[2].PlayerId)).Error!.Code);
    }

    [Fact]
    public async Task With_unanimous_agreement_a_contradicting_report_is_refused_and_not_recorded()
    {
        var match = await FormMatchAsync("strict", new QueueConfig { Teams = 2, TeamSize = 2, Results = new ResultReportingConfig { Reporters = "players", Agreement = "all" } });
        var seats = match.Players;
        await _mm.Results.ReportAsync(_title.Id, "strict", match.Id, [1, 2], seats[0].PlayerId);

        var contradicting = await _mm.Results.ReportAsync(_title.Id, "strict", match.Id, [2, 1], seats[2].PlayerId);

        Assert.Equal(ErrorCodes.ResultConflict, contradicting.Error!.Code);
        Assert.Single((await _mm.Results.GetAsync(_title.Id, "strict", match.Id, null)).Value.Match.Reports);
        foreach (var seat in seats.Skip(1))
        {
            await _mm.Results.ReportAsync(_title.Id, "strict", match.Id, [1, 2], seat.PlayerId);
        }

        Assert.Equal(MatchStatus.Rated, (await _mm.Results.GetAsync(_title.Id, "strict", match.Id, null)).Value.Match.Status);
    }

    [Fact]
    public async Task The_server_settles_a_match_players_disagree_on()
    {
        var match = await FormMatchAsync("strict", new QueueConfig { Teams = 2, TeamSize = 2, Results = new ResultReportingConfig { Reporters = "players", Agreement = "all" } });
        await _mm.Results.ReportAsync(_title.Id, "strict", match.Id, [1, 2], match.Players[0].PlayerId);

        var settled = await _mm.Results.ReportAsync(_title.Id, "strict", match.Id, [2, 1], null);

        Assert.Equal(MatchStatus.Rated, settled.Value.Match.Status);
        Assert.Equal([2, 1], settled.Value.Match.Result);
    }

    [Fact]
    public async Task An_openskill_queue_moves_mu_and_shrinks_sigma()
    {
        var match = await FormMatchAsync("os", new QueueConfig { Teams = 2, TeamSize = 2, Rating = new QueueRatingConfig { System = "openskill" }, Skill = new WideningConfig { Initial = 5, Max = 5 } });

        await _mm.Results.ReportAsync(_title.Id, "os", match.Id, [2, 1], null);

        foreach (var seat in match.Players)
        {
            var rating = await RatingOf(seat.PlayerId, "os", RatingSystem.OpenSkill);
            Assert.True(seat.Team == 1 ? rating.Value.Mu > 25 : rating.Value.Mu < 25, $"team {seat.Team}: {rating.Value.Mu}");
            Assert.True(rating.Value.Sigma < 25.0 / 3);
        }
    }

    [Fact]
    public async Task Applying_a_match_twice_to_a_rating_changes_it_once()
    {
        var player = await _mm.NewPlayerAsync(_title);
        var change = new RatingChange(player, PlayerRatings.DefaultValue(RatingSystem.Glicko2), new PlayerRatingValue(1600, 300, 0.06, 0, 0));
        var matchId = Ids.NewId(TimeProvider.System);

        await _mm.Ratings.ApplyAsync(_title.Id, matchId, "ranked", RatingSystem.Glicko2, 24, change, default);
        await _mm.Ratings.ApplyAsync(_title.Id, matchId, "ranked", RatingSystem.Glicko2, 24, change, default);

        var rating = await RatingOf(player, "ranked");
        Assert.Equal(1, rating.Games);
        Assert.Equal(1600, rating.Value.Rating);
    }

    [Fact]
    public async Task A_change_applied_over_a_moved_rating_adds_to_it_instead_of_overwriting()
    {
        var player = await _mm.NewPlayerAsync(_title);
        var start = PlayerRatings.DefaultValue(RatingSystem.Glicko2);
        await _mm.Ratings.ApplyAsync(_title.Id, Ids.NewId(TimeProvider.System), "ranked", RatingSystem.Glicko2, 24, new RatingChange(player, start, start with { Rating = 1550 }), default);

        // A second match settled from the same snapshot (the player played both at once).
        await _mm.Ratings.ApplyAsync(_title.Id, Ids.NewId(TimeProvider.System), "ranked", RatingSystem.Glicko2, 24, new RatingChange(player, start, start with { Rating = 1530 }), default);

        Assert.Equal(1580, (await RatingOf(player, "ranked")).Value.Rating, 6);
    }

    [Fact]
    public async Task Idle_rating_periods_widen_a_glicko_deviation()
    {
        var match = await FormMatchAsync("ranked");
        await _mm.Results.ReportAsync(_title.Id, "ranked", match.Id, [1, 2], null);
        var fresh = await RatingOf(match.Players[0].PlayerId, "ranked");

        _mm.Backend.Time.Advance(TimeSpan.FromDays(30));
        var idle = await RatingOf(match.Players[0].PlayerId, "ranked");

        Assert.Equal(fresh.Value.Rating, idle.Value.Rating);
        Assert.True(idle.Value.Deviation > fresh.Value.Deviation);
    }
}
