using GameBackend.Core.Leaderboards;
using GameBackend.Leaderboards.ContractTests;

namespace GameBackend.Core.Tests.Leaderboards;

/// <summary>The shared rank-index contract against the in-process skip list, plus a long random run against the naive model.</summary>
public sealed class InProcessRankIndexTests : RankIndexContract
{
    protected override IRankIndex Index { get; } = new InProcessRankIndex();

    [Fact]
    public async Task A_long_random_run_over_many_players_matches_the_naive_model_at_every_checkpoint()
    {
        var random = new Random(2026);
        var board = NewBoard(LeaderboardSortOrder.Descending);
        var model = new NaiveRankModel(LeaderboardSortOrder.Descending);
        for (var step = 1; step <= 20_000; step++)
        {
            var player = "p" + random.Next(2000);
            if (random.Next(20) == 0)
            {
                Assert.Equal(model.Remove(player), await Index.RemoveAsync(board, player));
            }
            else
            {
                var record = Record(player, random.Next(0, 500), step);
                Assert.Equal(model.Set(record), await Index.SetAsync(board, record));
            }

            if (step % 2500 == 0)
            {
                Assert.Equal(model.Ordered(), await Index.RangeAsync(board, 0, 5000));
                var probe = "p" + random.Next(2000);
                Assert.Equal(model.Get(probe), await Index.GetAsync(board, probe));
                Assert.Equal(model.Around(probe, 5), await Index.AroundAsync(board, probe, 5));
            }
        }
    }

    [Fact]
    public async Task A_new_instance_knows_nothing_until_rebuilt()
    {
        var board = NewBoard();
        await Index.RebuildAsync(board, Stream([Record("a", 1)]));
        var restarted = new InProcessRankIndex();
        Assert.False(await restarted.IsPopulatedAsync(board));
        Assert.Null(await restarted.GetAsync(board, "a"));
    }
}
