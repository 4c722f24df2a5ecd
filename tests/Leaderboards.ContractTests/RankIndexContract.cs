using System.Runtime.CompilerServices;
using System.Text;
using GameBackend.Core.Leaderboards;

namespace GameBackend.Leaderboards.ContractTests;

/// <summary>
/// What every <see cref="IRankIndex"/> must do, written once and run unchanged against each implementation (in-process
/// skip list, Redis sorted sets). Every test uses fresh random title ids, so a subclass may hand out one shared index.
/// </summary>
public abstract class RankIndexContract
{
    protected static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The index under test; may be shared between tests.</summary>
    protected abstract IRankIndex Index { get; }

    /// <summary>How many random operations <see cref="Random_operations_answer_like_the_naive_model"/> runs.</summary>
    protected virtual int RandomOperationCount => 3000;

    protected static RankBoard NewBoard(LeaderboardSortOrder order = LeaderboardSortOrder.Descending, string board = "board", string period = "all") =>
        new(Guid.NewGuid().ToString("N"), board, period, order);

    protected static RankedRecord Record(string playerId, double score, long revision = 1, string? metadata = null) =>
        new(playerId, score, revision, Start.AddSeconds(revision), metadata is null ? null : Encoding.UTF8.GetBytes(metadata));

    protected async Task SetAllAsync(RankBoard board, params (string Player, double Score)[] scores)
    {
        foreach (var (player, score) in scores)
        {
            Assert.True(await Index.SetAsync(board, Record(player, score)));
        }
    }

    protected static string[] Players(IEnumerable<RankedEntry> entries) => entries.Select(e => e.Record.PlayerId).ToArray();

    protected static long[] Ranks(IEnumerable<RankedEntry> entries) => entries.Select(e => e.Rank).ToArray();

    [Fact]
    public async Task An_unknown_set_is_empty_and_not_populated()
    {
        var board = NewBoard();
        Assert.False(await Index.IsPopulatedAsync(board));
        Assert.Equal(0, await Index.CountAsync(board));
        Assert.Null(await Index.GetAsync(board, "p1"));
        Assert.Empty(await Index.RangeAsync(board, 0, 10));
        Assert.Empty(await Index.AroundAsync(board, "p1", 3));
        Assert.Empty(await Index.GetManyAsync(board, ["p1", "p2"]));
        Assert.False(await Index.RemoveAsync(board, "p1"));
    }

    [Fact]
    public async Task Descending_boards_put_the_highest_score_first_and_break_ties_by_player_id()
    {
        var board = NewBoard(LeaderboardSortOrder.Descending);
        await SetAllAsync(board, ("c", 10), ("a", 5), ("b", 10), ("d", -3), ("e", 0));

        var all = await Index.RangeAsync(board, 0, 10);
        Assert.Equal(["b", "c", "a", "e", "d"], Players(all));
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, Ranks(all));
        Assert.Equal([10.0, 10, 5, 0, -3], all.Select(e => e.Record.Score).ToArray());
        Assert.Equal(5, await Index.CountAsync(board));
    }

    [Fact]
    public async Task Ascending_boards_put_the_lowest_score_first_and_break_ties_by_player_id()
    {
        var board = NewBoard(LeaderboardSortOrder.Ascending);
        await SetAllAsync(board, ("c", 10.5), ("a", 5), ("b", 10.5), ("d", -3.25), ("e", 0));

        var all = await Index.RangeAsync(board, 0, 10);
        Assert.Equal(["d", "e", "a", "b", "c"], Players(all));
        Assert.Equal([-3.25, 0, 5, 10.5, 10.5], all.Select(e => e.Record.Score).ToArray());
    }

    [Fact]
    public async Task A_record_replaces_the_entry_only_when_its_revision_is_higher()
    {
        var board = NewBoard();
        Assert.True(await Index.SetAsync(board, Record("p", 10, revision: 5)));
        Assert.False(await Index.SetAsync(board, Record("p", 99, revision: 4)));
        Assert.False(await Index.SetAsync(board, Record("p", 99, revision: 5)));
        Assert.Equal(10, (await Index.GetAsync(board, "p"))!.Value.Record.Score);

        Assert.True(await Index.SetAsync(board, Record("p", 7, revision: 6)));
        var entry = (await Index.GetAsync(board, "p"))!.Value;
        Assert.Equal(7, entry.Record.Score);
        Assert.Equal(6, entry.Record.Revision);
        Assert.Equal(1, await Index.CountAsync(board));
    }

    [Fact]
    public async Task A_changed_score_moves_the_player()
    {
        var board = NewBoard();
        await SetAllAsync(board, ("a", 30), ("b", 20), ("c", 10));
        Assert.True(await Index.SetAsync(board, Record("c", 40, revision: 2)));
        Assert.True(await Index.SetAsync(board, Record("a", 5, revision: 2)));

        Assert.Equal(["c", "b", "a"], Players(await Index.RangeAsync(board, 0, 10)));
        Assert.Equal(0, (await Index.GetAsync(board, "c"))!.Value.Rank);
        Assert.Equal(2, (await Index.GetAsync(board, "a"))!.Value.Rank);
    }

    [Fact]
    public async Task Metadata_and_the_write_time_travel_with_the_entry()
    {
        var board = NewBoard();
        var record = Record("p", 1.5, revision: 3, metadata: """{"car":"red","lap":3}""");
        await Index.SetAsync(board, record);
        await Index.SetAsync(board, Record("q", 1));

        var entry = (await Index.GetAsync(board, "p"))!.Value;
        Assert.Equal("""{"car":"red","lap":3}""", Encoding.UTF8.GetString(entry.Record.Metadata!));
        Assert.Equal(record.UpdatedAt, entry.Record.UpdatedAt);
        Assert.Equal(3, entry.Record.Revision);
        Assert.Null((await Index.GetAsync(board, "q"))!.Value.Record.Metadata);
        Assert.Equal("""{"car":"red","lap":3}""", Encoding.UTF8.GetString((await Index.RangeAsync(board, 0, 1))[0].Record.Metadata!));
    }

    [Fact]
    public async Task Extreme_and_fractional_scores_keep_their_exact_values_and_order()
    {
        var board = NewBoard();
        const double limit = 9007199254740992; // 2^53
        await SetAllAsync(board, ("max", limit), ("min", -limit), ("tiny", 1e-300), ("zero", 0), ("negzero", -0.0), ("third", 1.0 / 3));

        var all = await Index.RangeAsync(board, 0, 10);
        Assert.Equal(["max", "third", "tiny", "negzero", "zero", "min"], Players(all));
        Assert.Equal([limit, 1.0 / 3, 1e-300, 0, 0, -limit], all.Select(e => e.Record.Score).ToArray());
    }

    [Fact]
    public async Task Remove_takes_the_player_out_and_closes_the_gap()
    {
        var board = NewBoard();
        await SetAllAsync(board, ("a", 3), ("b", 2), ("c", 1));
        Assert.True(await Index.RemoveAsync(board, "b"));
        Assert.False(await Index.RemoveAsync(board, "b"));

        Assert.Null(await Index.GetAsync(board, "b"));
        Assert.Equal(1, (await Index.GetAsync(board, "c"))!.Value.Rank);
        Assert.Equal(2, await Index.CountAsync(board));

        // A removed player may come back with any revision.
        Assert.True(await Index.SetAsync(board, Record("b", 10, revision: 1)));
        Assert.Equal(0, (await Index.GetAsync(board, "b"))!.Value.Rank);
    }

    [Fact]
    public async Task Range_pages_through_ranks_and_ends_empty()
    {
        var board = NewBoard();
        for (var i = 0; i < 25; i++)
        {
            await Index.SetAsync(board, Record($"p{i:D2}", i));
        }

        var pages = new List<RankedEntry>();
        for (var offset = 0; offset < 30; offset += 10)
        {
            pages.AddRange(await Index.RangeAsync(board, offset, 10));
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), Ranks(pages));
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"p{i:D2}"), Players(pages));
        Assert.Empty(await Index.RangeAsync(board, 25, 10));
        Assert.Empty(await Index.RangeAsync(board, 1000, 10));
        Assert.Empty(await Index.RangeAsync(board, 0, 0));
        Assert.Equal(["p03", "p02"], Players(await Index.RangeAsync(board, 21, 2)));
    }

    [Fact]
    public async Task Around_returns_the_player_and_up_to_k_neighbours_on_each_side()
    {
        var board = NewBoard(LeaderboardSortOrder.Ascending);
        for (var i = 0; i < 10; i++)
        {
            await Index.SetAsync(board, Record($"p{i}", i));
        }

        var around = await Index.AroundAsync(board, "p5", 2);
        Assert.Equal(["p3", "p4", "p5", "p6", "p7"], Players(around));
        Assert.Equal(new long[] { 3, 4, 5, 6, 7 }, Ranks(around));
        Assert.Equal(["p0", "p1", "p2"], Players(await Index.AroundAsync(board, "p0", 2)));
        Assert.Equal(["p7", "p8", "p9"], Players(await Index.AroundAsync(board, "p9", 2)));
        Assert.Equal(["p4"], Players(await Index.AroundAsync(board, "p4", 0)));
        Assert.Equal(10, (await Index.AroundAsync(board, "p4", 100)).Count);
        Assert.Empty(await Index.AroundAsync(board, "nobody", 2));
    }

    [Fact]
    public async Task GetMany_returns_the_known_players_in_rank_order()
    {
        var board = NewBoard();
        await SetAllAsync(board, ("a", 1), ("b", 2), ("c", 3), ("d", 4));

        var entries = await Index.GetManyAsync(board, ["a", "nobody", "c", "d", "c"]);
        Assert.Equal(["d", "c", "a"], Players(entries));
        Assert.Equal(new long[] { 0, 1, 3 }, Ranks(entries));
        Assert.Empty(await Index.GetManyAsync(board, []));
    }

    [Fact]
    public async Task Sets_of_other_titles_boards_and_periods_are_separate()
    {
        var board = NewBoard();
        var otherTitle = board with { TitleId = Guid.NewGuid().ToString("N") };
        var otherBoard = board with { BoardId = "other" };
        var otherPeriod = board with { PeriodKey = "20300101T000000Z" };
        await Index.SetAsync(board, Record("p", 1));
        await Index.SetAsync(otherPeriod, Record("q", 2));

        Assert.Equal(1, await Index.CountAsync(board));
        Assert.Null(await Index.GetAsync(otherTitle, "p"));
        Assert.Null(await Index.GetAsync(otherBoard, "p"));
        Assert.Null(await Index.GetAsync(otherPeriod, "p"));
        Assert.Equal(["q"], Players(await Index.RangeAsync(otherPeriod, 0, 10)));
    }

    [Fact]
    public async Task Rebuild_loads_every_record_marks_the_set_populated_and_keeps_newer_entries()
    {
        var board = NewBoard();
        await Index.SetAsync(board, Record("p1", 500, revision: 9)); // written by a submission while the rebuild runs
        await Index.RebuildAsync(board, Stream(Enumerable.Range(0, 1200).Select(i => Record($"p{i}", i, revision: 2))));

        Assert.True(await Index.IsPopulatedAsync(board));
        Assert.Equal(1200, await Index.CountAsync(board));
        var p1 = (await Index.GetAsync(board, "p1"))!.Value;
        Assert.Equal(500, p1.Record.Score);
        Assert.Equal(9, p1.Record.Revision);
        Assert.Equal(["p1199", "p1198"], Players(await Index.RangeAsync(board, 0, 2)));
    }

    [Fact]
    public async Task Rebuild_of_an_empty_store_still_marks_the_set_populated()
    {
        var board = NewBoard();
        await Index.RebuildAsync(board, Stream([]));
        Assert.True(await Index.IsPopulatedAsync(board));
        Assert.Equal(0, await Index.CountAsync(board));
    }

    [Fact]
    public async Task Clear_drops_the_entries_and_the_populated_mark()
    {
        var board = NewBoard();
        await Index.RebuildAsync(board, Stream([Record("a", 1), Record("b", 2)]));
        await Index.ClearAsync(board);

        Assert.False(await Index.IsPopulatedAsync(board));
        Assert.Equal(0, await Index.CountAsync(board));
        Assert.Null(await Index.GetAsync(board, "a"));
    }

    [Fact]
    public async Task Concurrent_writers_of_many_revisions_leave_the_highest_revision()
    {
        var board = NewBoard();
        var writes = Enumerable.Range(1, 200).OrderBy(_ => Random.Shared.Next()).ToArray();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (revision, ct) =>
        {
            await Index.SetAsync(board, Record("p", revision * 10, revision), ct);
            await Index.SetAsync(board, Record("q" + (revision % 20), revision, revision), ct);
        });

        var p = (await Index.GetAsync(board, "p"))!.Value;
        Assert.Equal(200, p.Record.Revision);
        Assert.Equal(2000, p.Record.Score);
        Assert.Equal(21, await Index.CountAsync(board));
    }

    [Theory]
    [InlineData(LeaderboardSortOrder.Descending)]
    [InlineData(LeaderboardSortOrder.Ascending)]
    public async Task Random_operations_answer_like_the_naive_model(LeaderboardSortOrder order)
    {
        var random = new Random(order == LeaderboardSortOrder.Descending ? 17 : 23);
        var board = NewBoard(order);
        var model = new NaiveRankModel(order);
        var players = Enumerable.Range(0, 60).Select(i => "player-" + i).ToArray();
        for (var step = 0; step < RandomOperationCount; step++)
        {
            var player = players[random.Next(players.Length)];
            switch (random.Next(10))
            {
                case < 6:
                    // Few distinct scores, so ties are common.
                    var record = Record(player, random.Next(-5, 15) * 0.5, (model.RevisionOf(player) ?? 0) + random.Next(-1, 3));
                    Assert.Equal(model.Set(record), await Index.SetAsync(board, record));
                    break;
                case 6:
                    Assert.Equal(model.Remove(player), await Index.RemoveAsync(board, player));
                    break;
                case 7:
                    Assert.Equal(model.Get(player), await Index.GetAsync(board, player));
                    break;
                case 8:
                    var radius = random.Next(0, 4);
                    Assert.Equal(model.Around(player, radius), await Index.AroundAsync(board, player, radius));
                    break;
                default:
                    var offset = random.Next(0, model.Count + 2);
                    var count = random.Next(0, 12);
                    Assert.Equal(model.Range(offset, count), await Index.RangeAsync(board, offset, count));
                    break;
            }
        }

        Assert.Equal(model.Count, await Index.CountAsync(board));
        Assert.Equal(model.Ordered(), await Index.RangeAsync(board, 0, players.Length));
    }

    protected static async IAsyncEnumerable<RankedRecord> Stream(IEnumerable<RankedRecord> records, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var record in records)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return record;
        }
    }
}
