using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Leaderboards;

/// <summary>Leaderboards over the real SQLite store and the in-process index, with a fake clock.</summary>
public sealed class LeaderboardServiceTests : IAsyncLifetime
{
    private const double MaxScore = LeaderboardRules.MaxScoreMagnitude;

    private readonly TestBackend _backend = new();
    private InProcessRankIndex _index = new();
    private LeaderboardService _leaderboards = null!;
    private string _title = null!;

    public async Task InitializeAsync()
    {
        _leaderboards = new LeaderboardService(_backend.Store, _index, _backend.Events.Publisher(), _backend.Time);
        _title = (await _backend.CreateTitleAsync()).Id;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private async Task<LeaderboardStatus> CreateBoardAsync(string id, string? sortOrder = null, string? @operator = null, string? schedule = null)
    {
        var created = await _leaderboards.CreateAsync(_title, new LeaderboardDefinition(id, sortOrder, @operator, schedule));
        Assert.True(created.IsSuccess, created.Error?.Code);
        return created.Value;
    }

    private async Task<LeaderboardRecord> SubmitAsync(string board, string player, double score, string? metadata = null)
    {
        var result = await _leaderboards.SubmitAsync(_title, board, player, score, metadata is null ? null : JsonDocument.Parse(metadata).RootElement);
        Assert.True(result.IsSuccess, result.Error?.Code);
        return result.Value;
    }

    private static string Player(int i) => $"{i:D32}";

    [Theory]
    [InlineData("")]
    [InlineData("Weekly")]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Invalid_ids_are_refused_and_nothing_is_stored(string id)
    {
        var result = await _leaderboards.CreateAsync(_title, new LeaderboardDefinition(id, null, null, null));
        Assert.Equal(ErrorCodes.InvalidLeaderboardId, result.Error?.Code);
        Assert.Empty(await _leaderboards.ListAsync(_title));
    }

    [Theory]
    [InlineData("up", null, null, "invalid_sort_order")]
    [InlineData("Descending", null, null, "invalid_sort_order")]
    [InlineData(null, "max", null, "invalid_leaderboard_operator")]
    [InlineData(null, null, "not a cron", "invalid_reset_schedule")]
    [InlineData(null, null, "* * *", "invalid_reset_schedule")]
    [InlineData(null, null, "61 * * * *", "invalid_reset_schedule")]
    [InlineData(null, null, "0 0 30 2 *", "invalid_reset_schedule")]
    [InlineData(null, null, "", "invalid_reset_schedule")]
    [InlineData(null, null, "0 0 * * * *", "invalid_reset_schedule")]
    public async Task Invalid_definitions_are_refused_and_nothing_is_stored(string? sortOrder, string? @operator, string? schedule, string code)
    {
        var result = await _leaderboards.CreateAsync(_title, new LeaderboardDefinition("board", sortOrder, @operator, schedule));
        Assert.Equal(code, result.Error?.Code);
        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Empty(await _leaderboards.ListAsync(_title));
    }

    [Fact]
    public async Task A_board_is_created_once_with_its_defaults_and_listed()
    {
        var status = await CreateBoardAsync("season_1-a");
        Assert.Equal(LeaderboardSortOrder.Descending, status.Board.SortOrder);
        Assert.Equal(LeaderboardOperator.Best, status.Board.Operator);
        Assert.Null(status.Board.ResetSchedule);
        Assert.Equal(LeaderboardPeriods.AllTimeId, status.CurrentPeriod.Id);
        Assert.Null(status.PreviousPeriod);

        var again = await _leaderboards.CreateAsync(_title, new LeaderboardDefinition("season_1-a", "ascending", null, null));
        Assert.Equal(ErrorCodes.LeaderboardExists, again.Error?.Code);
        await CreateBoardAsync("another", "ascending", "increment", "0 0 * * 1");

        var listed = await _leaderboards.ListAsync(_title);
        Assert.Equal(["another", "season_1-a"], listed.Select(b => b.Board.Id));
        Assert.Equal(LeaderboardSortOrder.Descending, listed[1].Board.SortOrder);
        Assert.Equal(LeaderboardOperator.Increment, listed[0].Board.Operator);
    }

    [Fact]
    public async Task A_title_holds_at_most_100_boards()
    {
        for (var i = 0; i < LeaderboardRules.MaxBoardsPerTitle; i++)
        {
            await CreateBoardAsync($"b{i}");
        }

        var result = await _leaderboards.CreateAsync(_title, new LeaderboardDefinition("one-too-many", null, null, null));
        Assert.Equal(ErrorCodes.TooManyLeaderboards, result.Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.GetAsync(_title, "one-too-many")).Error?.Code);
    }

    [Theory]
    [InlineData("descending", "best", new double[] { 10, 5, 20, 15 }, 20)]
    [InlineData("ascending", "best", new double[] { 10, 5, 20, 15 }, 5)]
    [InlineData("descending", "latest", new double[] { 10, 5, 20, 15 }, 15)]
    [InlineData("descending", "increment", new double[] { 10, 5, 20, 15.5 }, 50.5)]
    [InlineData("descending", "decrement", new double[] { 10, 5, 20, -15 }, -20)]
    public async Task Each_operator_combines_submissions_as_documented(string sortOrder, string @operator, double[] scores, double expected)
    {
        await CreateBoardAsync("board", sortOrder, @operator);
        LeaderboardRecord last = null!;
        foreach (var score in scores)
        {
            last = await SubmitAsync("board", Player(1), score);
        }

        Assert.Equal(expected, last.Score);
        Assert.Equal(1, last.Rank);
        Assert.Equal(expected, (await _leaderboards.GetRecordAsync(_title, "board", Player(1), null)).Value.Score);
    }

    [Theory]
    [InlineData("descending", "best")]
    [InlineData("ascending", "best")]
    [InlineData("descending", "latest")]
    [InlineData("descending", "increment")]
    [InlineData("descending", "decrement")]
    public async Task Forty_parallel_writers_for_one_player_on_two_hosts_leave_the_exact_value(string sortOrder, string @operator)
    {
        await CreateBoardAsync("board", sortOrder, @operator);
        // Two services on one store and one shared index: two hosts in front of Redis. Their in-process player locks are
        // separate, so writers race through the store's optimistic concurrency as well.
        var otherHost = new LeaderboardService(_backend.Store, _index, _backend.Events.Publisher(), _backend.Time);
        var scores = Enumerable.Range(1, 40).Select(i => (double)i).ToArray();
        var results = await Task.WhenAll(scores.Select((score, i) => Task.Run(() =>
            (i % 2 == 0 ? _leaderboards : otherHost).SubmitAsync(_title, "board", Player(7), score, null))));
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));

        var stored = (await _leaderboards.GetRecordAsync(_title, "board", Player(7), null)).Value;
        var expected = @operator switch
        {
            "best" => sortOrder == "descending" ? 40 : 1,
            "increment" => scores.Sum(),
            "decrement" => -scores.Sum(),
            _ => stored.Score,
        };
        Assert.Equal(expected, stored.Score);
        if (@operator == "latest")
        {
            Assert.Contains(stored.Score, scores);
        }

        // The index holds exactly what the store holds: a fresh index rebuilt from the store agrees.
        var rebuilt = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        Assert.Equal(stored.Score, (await rebuilt.GetRecordAsync(_title, "board", Player(7), null)).Value.Score);
        Assert.Equal(1, (await _leaderboards.GetTopAsync(_title, "board", null, null, null)).Value.Total);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(MaxScore * 2)]
    [InlineData(-MaxScore * 2)]
    public async Task Scores_that_are_not_finite_or_out_of_range_are_refused_and_nothing_is_written(double score)
    {
        await CreateBoardAsync("board");
        var result = await _leaderboards.SubmitAsync(_title, "board", Player(1), score, null);
        Assert.Equal(ErrorCodes.InvalidScore, result.Error?.Code);
        Assert.Equal(0, (await _leaderboards.GetTopAsync(_title, "board", null, null, null)).Value.Total);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetRecordAsync(_title, "board", Player(1), null)).Error?.Code);
    }

    [Fact]
    public async Task An_increment_past_the_range_is_refused_and_the_record_is_unchanged()
    {
        await CreateBoardAsync("board", @operator: "increment");
        await SubmitAsync("board", Player(1), MaxScore);
        var result = await _leaderboards.SubmitAsync(_title, "board", Player(1), 2, null);
        Assert.Equal(ErrorCodes.InvalidScore, result.Error?.Code);
        Assert.Equal(MaxScore, (await _leaderboards.GetRecordAsync(_title, "board", Player(1), null)).Value.Score);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}""")]
    public async Task Metadata_that_is_not_a_small_shallow_object_is_refused(string metadata)
    {
        await CreateBoardAsync("board");
        var result = await _leaderboards.SubmitAsync(_title, "board", Player(1), 1, JsonDocument.Parse(metadata).RootElement);
        Assert.Equal(ErrorCodes.InvalidLeaderboardMetadata, result.Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetRecordAsync(_title, "board", Player(1), null)).Error?.Code);
    }

    [Fact]
    public async Task Metadata_is_bounded_at_one_kibibyte_of_compact_json()
    {
        await CreateBoardAsync("board");
        var fits = $$"""{ "v" : "{{new string('x', LeaderboardRules.MaxMetadataBytes - 8)}}" }""";
        Assert.Equal(LeaderboardRules.MaxMetadataBytes, LeaderboardRules.NormalizeMetadata(JsonDocument.Parse(fits).RootElement).Value.Length);
        await SubmitAsync("board", Player(1), 1, fits);

        var tooLarge = $$"""{"v":"{{new string('x', LeaderboardRules.MaxMetadataBytes - 7)}}"}""";
        var result = await _leaderboards.SubmitAsync(_title, "board", Player(1), 2, JsonDocument.Parse(tooLarge).RootElement);
        Assert.Equal(ErrorCodes.InvalidLeaderboardMetadata, result.Error?.Code);
        Assert.Equal(1, (await _leaderboards.GetRecordAsync(_title, "board", Player(1), null)).Value.Score);
    }

    [Fact]
    public async Task Metadata_follows_the_record_the_operator_keeps()
    {
        await CreateBoardAsync("best");
        await SubmitAsync("best", Player(1), 10, """{"car":"red"}""");
        var notBetter = await SubmitAsync("best", Player(1), 5, """{"car":"blue"}""");
        Assert.Equal("red", notBetter.Metadata!.Value.GetProperty("car").GetString());
        var better = await SubmitAsync("best", Player(1), 11);
        Assert.Null(better.Metadata);

        await CreateBoardAsync("count", @operator: "increment");
        await SubmitAsync("count", Player(1), 1, """{"level":1}""");
        var kept = await SubmitAsync("count", Player(1), 1);
        Assert.Equal(1, kept.Metadata!.Value.GetProperty("level").GetInt32());
        var replaced = await SubmitAsync("count", Player(1), 1, """{"level":2}""");
        Assert.Equal(2, replaced.Metadata!.Value.GetProperty("level").GetInt32());
        Assert.Equal(3, replaced.Score);
    }

    [Fact]
    public async Task Reads_page_through_the_top_and_answer_around_me_my_rank_and_a_set_of_players()
    {
        await CreateBoardAsync("board");
        for (var i = 1; i <= 45; i++)
        {
            await SubmitAsync("board", Player(i), i * 10);
        }

        var players = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await _leaderboards.GetTopAsync(_title, "board", null, 20, cursor)).Value;
            Assert.Equal(45, page.Total);
            Assert.Equal(LeaderboardPeriods.AllTimeId, page.PeriodId);
            players.AddRange(page.Records.Select(r => r.PlayerId));
            Assert.Equal(Enumerable.Range(pages * 20 + 1, page.Records.Count).Select(r => (long)r), page.Records.Select(r => r.Rank));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 45).Reverse().Select(Player), players);

        var me = (await _leaderboards.GetRecordAsync(_title, "board", Player(40), null)).Value;
        Assert.Equal(6, me.Rank);
        Assert.Equal(400, me.Score);

        var around = (await _leaderboards.GetAroundAsync(_title, "board", Player(40), null, 2)).Value;
        Assert.Equal([4L, 5, 6, 7, 8], around.Records.Select(r => r.Rank));
        Assert.Equal(Player(40), around.Records[2].PlayerId);

        var some = (await _leaderboards.GetForPlayersAsync(_title, "board", [Player(3), Player(44), "00000000000000000000000000000999"], null)).Value;
        Assert.Equal([2L, 43], some.Records.Select(r => r.Rank));
    }

    [Fact]
    public async Task Read_arguments_are_checked()
    {
        await CreateBoardAsync("board");
        await SubmitAsync("board", Player(1), 1);
        Assert.Equal(ErrorCodes.InvalidLeaderboardLimit, (await _leaderboards.GetTopAsync(_title, "board", null, 0, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidLeaderboardLimit, (await _leaderboards.GetTopAsync(_title, "board", null, 101, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidLeaderboardCursor, (await _leaderboards.GetTopAsync(_title, "board", null, 10, "abc")).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidLeaderboardCursor, (await _leaderboards.GetTopAsync(_title, "board", null, 10, "-5")).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidLeaderboardLimit, (await _leaderboards.GetAroundAsync(_title, "board", Player(1), null, 51)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidLeaderboardPeriod, (await _leaderboards.GetTopAsync(_title, "board", "20250301T000000Z", 10, null)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetAroundAsync(_title, "board", Player(2), null, 3)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetRecordAsync(_title, "board", Player(2), null)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.GetTopAsync(_title, "nope", null, 10, null)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.SubmitAsync(_title, "nope", Player(1), 1, null)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.GetTopAsync(_title, "NOT-VALID", null, 10, null)).Error?.Code);
    }

    [Fact]
    public async Task A_new_index_is_rebuilt_from_the_store_with_the_same_ranks()
    {
        await CreateBoardAsync("board", "ascending");
        for (var i = 1; i <= 1500; i++)
        {
            await SubmitAsync("board", Player(i), (i * 7919) % 1000, i % 100 == 0 ? """{"lap":1}""" : null);
        }

        var before = (await _leaderboards.GetTopAsync(_title, "board", null, 100, "700")).Value;

        // A restart: new service, new (empty) index, same store.
        _index = new InProcessRankIndex();
        var restarted = new LeaderboardService(_backend.Store, _index, _backend.Events.Publisher(), _backend.Time);
        var after = (await restarted.GetTopAsync(_title, "board", null, 100, "700")).Value;

        Assert.Equal(1500, after.Total);
        Assert.Equal(before.Records.Select(r => (r.PlayerId, r.Rank, r.Score, r.UpdatedAt, r.Metadata?.GetRawText())),
            after.Records.Select(r => (r.PlayerId, r.Rank, r.Score, r.UpdatedAt, r.Metadata?.GetRawText())));
    }

    [Fact]
    public async Task Concurrent_first_reads_after_a_restart_rebuild_once_and_agree()
    {
        await CreateBoardAsync("board");
        for (var i = 1; i <= 300; i++)
        {
            await SubmitAsync("board", Player(i), i);
        }

        var restarted = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        var reads = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => restarted.GetTopAsync(_title, "board", null, 10, null))));
        Assert.All(reads, r => Assert.Equal(300, r.Value.Total));
        Assert.All(reads, r => Assert.Equal(Player(300), r.Value.Records[0].PlayerId));
    }

    [Fact]
    public async Task A_period_ends_on_schedule_and_stays_readable_as_an_archive()
    {
        // Weekly, Mondays 00:00 UTC. The clock starts on Saturday 2025-03-01 12:00.
        var status = await CreateBoardAsync("weekly", @operator: "increment", schedule: "0 0 * * 1");
        Assert.Equal("20250224T000000Z", status.CurrentPeriod.Id);
        Assert.Equal(new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero), status.CurrentPeriod.EndsAt);
        Assert.Equal("20250217T000000Z", status.PreviousPeriod!.Id);

        await SubmitAsync("weekly", Player(1), 5);
        await SubmitAsync("weekly", Player(1), 5);
        await SubmitAsync("weekly", Player(2), 3);

        _backend.Time.Advance(TimeSpan.FromDays(2)); // Monday 12:00: a new week
        var next = (await _leaderboards.GetAsync(_title, "weekly")).Value;
        Assert.Equal("20250303T000000Z", next.CurrentPeriod.Id);
        Assert.Equal("20250224T000000Z", next.PreviousPeriod!.Id);
        Assert.Equal(0, (await _leaderboards.GetTopAsync(_title, "weekly", null, 10, null)).Value.Total);

        var fresh = await SubmitAsync("weekly", Player(1), 1);
        Assert.Equal(1, fresh.Score);

        var archive = (await _leaderboards.GetTopAsync(_title, "weekly", "20250224T000000Z", 10, null)).Value;
        Assert.Equal("20250224T000000Z", archive.PeriodId);
        Assert.Equal([(Player(1), 10.0), (Player(2), 3.0)], archive.Records.Select(r => (r.PlayerId, r.Score)));
        Assert.Equal(10, (await _leaderboards.GetRecordAsync(_title, "weekly", Player(1), "20250224T000000Z")).Value.Score);

        // The archive survives a restart too: rebuilt from the store on first read.
        var restarted = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        Assert.Equal(2, (await restarted.GetTopAsync(_title, "weekly", "20250224T000000Z", 10, null)).Value.Total);
        Assert.Equal(1, (await restarted.GetTopAsync(_title, "weekly", null, 10, null)).Value.Total);

        // Not a period of this board: not an occurrence, in the future, malformed, or "all" on a scheduled board.
        foreach (var period in new[] { "20250225T000000Z", "20250310T000000Z", "2025-02-24", "all", "" })
        {
            Assert.Equal(ErrorCodes.InvalidLeaderboardPeriod, (await _leaderboards.GetTopAsync(_title, "weekly", period, 10, null)).Error?.Code);
        }
    }

    [Fact]
    public async Task A_deleted_board_is_gone_and_a_new_one_under_its_id_starts_empty()
    {
        await CreateBoardAsync("board");
        await SubmitAsync("board", Player(1), 10);
        Assert.True((await _leaderboards.DeleteAsync(_title, "board")).IsSuccess);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.GetTopAsync(_title, "board", null, 10, null)).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.DeleteAsync(_title, "board")).Error?.Code);

        await CreateBoardAsync("board", "ascending");
        Assert.Equal(0, (await _leaderboards.GetTopAsync(_title, "board", null, 10, null)).Value.Total);
        var restarted = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        Assert.Equal(0, (await restarted.GetTopAsync(_title, "board", null, 10, null)).Value.Total);
    }

    [Fact]
    public async Task Another_titles_boards_and_players_are_not_found()
    {
        await CreateBoardAsync("board");
        await SubmitAsync("board", Player(1), 10);
        var other = (await _backend.CreateTitleAsync(name: "Other")).Id;

        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.GetAsync(other, "board")).Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardNotFound, (await _leaderboards.SubmitAsync(other, "board", Player(1), 1, null)).Error?.Code);

        var (signIn, _) = await _backend.SignInNewDeviceAsync(await _backend.Titles.FindAsync(other) ?? throw new InvalidOperationException());
        var foreignPlayer = await _leaderboards.SubmitForPlayerAsync(_title, "board", signIn.PlayerId, 1, null);
        Assert.Equal(ErrorCodes.PlayerNotFound, foreignPlayer.Error?.Code);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetRecordAsync(_title, "board", signIn.PlayerId, null)).Error?.Code);
    }

    [Fact]
    public async Task A_server_submits_for_an_existing_player_of_its_title()
    {
        await CreateBoardAsync("board");
        var title = await _backend.Titles.FindAsync(_title) ?? throw new InvalidOperationException();
        var (signIn, _) = await _backend.SignInNewDeviceAsync(title);
        var record = await _leaderboards.SubmitForPlayerAsync(_title, "board", signIn.PlayerId, 42, null);
        Assert.Equal(42, record.Value.Score);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _leaderboards.SubmitForPlayerAsync(_title, "board", Ids.NewId(_backend.Time), 1, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _leaderboards.SubmitForPlayerAsync(_title, "board", "not-an-id", 1, null)).Error?.Code);
    }
}
