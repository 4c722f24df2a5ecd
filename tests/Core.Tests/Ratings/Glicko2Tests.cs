using GameBackend.Core.Ratings;

namespace GameBackend.Core.Tests.Ratings;

/// <summary>
/// Glicko-2 against Mark E. Glickman, "Example of the Glicko-2 system" (2013), http://www.glicko.net/glicko/glicko2.pdf,
/// and the properties any rating system's probabilities must have.
/// </summary>
public sealed class Glicko2Tests
{
    private static readonly Glicko2Rating Player = new(1500, 200, 0.06);

    private static readonly Glicko2Result[] ExampleResults =
    [
        new(new Glicko2Rating(1400, 30, 0.06), 1),
        new(new Glicko2Rating(1550, 100, 0.06), 0),
        new(new Glicko2Rating(1700, 300, 0.06), 0),
    ];

    [Fact]
    public void Glickmans_worked_example_gives_the_published_rating_deviation_and_volatility()
    {
        // Published (glicko2.pdf, step 8): r' = 1464.06, RD' = 151.52, σ' = 0.05999. The PDF carries μ' rounded to four
        // places (−0.2069) into step 8; unrounded arithmetic gives r' = 1464.0507, hence the tolerance of 0.01.
        var rated = Glicko2.Update(Player, ExampleResults, tau: 0.5);

        Assert.Equal(1464.06, rated.Rating, 0.01);
        Assert.Equal(151.52, rated.Deviation, 0.005);
        // σ' is printed to five places (0.05999) of 0.0599960.
        Assert.Equal(0.05999, rated.Volatility, 0.00001);
    }

    [Fact]
    public void The_worked_example_on_the_Glicko2_scale_matches_the_published_mu_and_phi()
    {
        // Published (glicko2.pdf, step 7): μ' = −0.2069, φ' = 0.8722.
        var rated = Glicko2.Update(Player, ExampleResults, tau: 0.5);

        Assert.Equal(-0.2069, (rated.Rating - 1500) / Glicko2.Scale, 0.00005);
        Assert.Equal(0.8722, rated.Deviation / Glicko2.Scale, 0.00005);
    }

    [Fact]
    public void The_order_of_a_periods_results_does_not_matter()
    {
        var forward = Glicko2.Update(Player, ExampleResults);
        var backward = Glicko2.Update(Player, ExampleResults.Reverse().ToArray());

        Assert.Equal(forward.Rating, backward.Rating, 1e-9);
        Assert.Equal(forward.Deviation, backward.Deviation, 1e-9);
        Assert.Equal(forward.Volatility, backward.Volatility, 1e-12);
    }

    [Fact]
    public void Expected_scores_match_the_published_E_values_when_the_player_is_certain()
    {
        // Published (glicko2.pdf, step 3 table): E = 0.639, 0.432, 0.303 against the three opponents. The table's E uses
        // only the opponent's φ; with the player's own deviation negligible, the combined deviation is the opponent's.
        var certain = Player with { Deviation = 1e-9 };

        Assert.Equal(0.639, Glicko2.WinProbability(certain, ExampleResults[0].Opponent), 0.0005);
        Assert.Equal(0.432, Glicko2.WinProbability(certain, ExampleResults[1].Opponent), 0.0005);
        Assert.Equal(0.303, Glicko2.WinProbability(certain, ExampleResults[2].Opponent), 0.0005);
    }

    [Fact]
    public void Winning_raises_the_rating_and_losing_lowers_it_and_both_narrow_the_deviation()
    {
        var opponent = Glicko2Rating.Default;

        var won = Glicko2.Update(Glicko2Rating.Default, [new Glicko2Result(opponent, 1)]);
        var lost = Glicko2.Update(Glicko2Rating.Default, [new Glicko2Result(opponent, 0)]);
        var drew = Glicko2.Update(Glicko2Rating.Default, [new Glicko2Result(opponent, 0.5)]);

        Assert.True(won.Rating > 1500);
        Assert.True(lost.Rating < 1500);
        Assert.Equal(1500, drew.Rating, 1e-9);
        Assert.True(won.Deviation < 350 && lost.Deviation < 350 && drew.Deviation < 350);
        Assert.Equal(1500 - won.Rating, lost.Rating - 1500, 1e-9);
    }

    [Fact]
    public void A_period_without_games_widens_only_the_deviation_as_step_6_says()
    {
        var rated = Glicko2.Update(Player, []);

        var phi = 200 / Glicko2.Scale;
        Assert.Equal(Math.Sqrt((phi * phi) + (0.06 * 0.06)) * Glicko2.Scale, rated.Deviation, 1e-9);
        Assert.Equal(Player.Rating, rated.Rating);
        Assert.Equal(Player.Volatility, rated.Volatility);
    }

    [Fact]
    public void Idle_periods_widen_the_deviation_each_period_as_step_6_does()
    {
        Assert.Equal(Player, Glicko2.Idle(Player, 0));
        Assert.Equal(Glicko2.Update(Player, []).Deviation, Glicko2.Idle(Player, 1).Deviation, 1e-9);

        var stepByStep = Player;
        for (var period = 0; period < 10; period++)
        {
            stepByStep = Glicko2.Update(stepByStep, []);
        }

        var idle = Glicko2.Idle(Player, 10);
        Assert.Equal(stepByStep.Deviation, idle.Deviation, 1e-9);
        Assert.Equal(Player.Rating, idle.Rating);
        Assert.Equal(Player.Volatility, idle.Volatility);
    }

    [Fact]
    public void Idle_deviation_never_exceeds_the_maximum()
    {
        Assert.Equal(Glicko2.MaxDeviation, Glicko2.Idle(Player, 1_000_000).Deviation);
        Assert.Equal(Glicko2.MaxDeviation, Glicko2.Idle(Glicko2Rating.Default, 1).Deviation);
        Assert.Equal(Glicko2.MaxDeviation, Glicko2.Idle(Player with { Deviation = 400 }, 1).Deviation);
        Assert.True(Glicko2.Idle(Player, 5).Deviation < Glicko2.Idle(Player, 6).Deviation);
    }

    [Fact]
    public void Win_probability_is_a_half_between_equals_and_symmetric()
    {
        Assert.Equal(0.5, Glicko2.WinProbability(Player, Player), 1e-12);

        var a = new Glicko2Rating(1620, 80, 0.06);
        var b = new Glicko2Rating(1480, 250, 0.07);
        Assert.Equal(1, Glicko2.WinProbability(a, b) + Glicko2.WinProbability(b, a), 1e-12);
        Assert.True(Glicko2.WinProbability(a, b) > 0.5);
    }

    [Fact]
    public void Win_probability_rises_with_the_rating_gap_and_falls_towards_a_half_with_uncertainty()
    {
        var opponent = new Glicko2Rating(1500, 100, 0.06);
        var previous = 0.0;
        for (var rating = 1000; rating <= 2000; rating += 50)
        {
            var p = Glicko2.WinProbability(new Glicko2Rating(rating, 100, 0.06), opponent);
            Assert.True(p > previous);
            previous = p;
        }

        var strong = new Glicko2Rating(1700, 50, 0.06);
        var unsure = strong with { Deviation = 300 };
        Assert.True(Glicko2.WinProbability(strong, opponent) > Glicko2.WinProbability(unsure, opponent));
        Assert.True(Glicko2.WinProbability(unsure, opponent) > 0.5);
    }

    [Fact]
    public void Rating_a_one_on_one_team_game_equals_one_update_per_player()
    {
        var a = new Glicko2Rating(1550, 120, 0.06);
        var b = new Glicko2Rating(1450, 200, 0.059);

        var rated = Glicko2.RateTeams([[a], [b]], [1, 2]);

        Assert.Equal(Glicko2.Update(a, [new Glicko2Result(b, 1)]), rated[0][0]);
        Assert.Equal(Glicko2.Update(b, [new Glicko2Result(a, 0)]), rated[1][0]);
    }

    [Fact]
    public void Team_players_are_rated_against_the_composite_of_each_other_team()
    {
        Glicko2Rating[] red = [new(1600, 100, 0.06), new(1400, 200, 0.06)];
        Glicko2Rating[] blue = [new(1520, 50, 0.06), new(1480, 150, 0.06)];
        Glicko2Rating[] green = [new(1300, 300, 0.06)];

        var rated = Glicko2.RateTeams([red, blue, green], [2, 1, 2]);

        // Composite of blue: mean rating 1500, RD √((50² + 150²)/2); of green: itself.
        var blueComposite = new Glicko2Rating(1500, Math.Sqrt(((50 * 50) + (150 * 150)) / 2.0), 0.06);
        var redComposite = new Glicko2Rating(1500, Math.Sqrt(((100 * 100) + (200 * 200)) / 2.0), 0.06);
        Assert.Equal(Glicko2.Update(red[0], [new Glicko2Result(blueComposite, 0), new Glicko2Result(green[0], 0.5)]), rated[0][0]);
        Assert.Equal(Glicko2.Update(green[0], [new Glicko2Result(redComposite, 0.5), new Glicko2Result(blueComposite, 0)]), rated[2][0]);
        Assert.Equal(new[] { 2, 2, 1 }, rated.Select(team => team.Length).ToArray());
        Assert.All(rated[1], (player, i) => Assert.True(player.Rating > blue[i].Rating));
    }

    [Fact]
    public void Team_win_probability_uses_the_composites()
    {
        Glicko2Rating[] strong = [new(1700, 60, 0.06), new(1650, 90, 0.06)];
        Glicko2Rating[] weak = [new(1450, 60, 0.06), new(1500, 200, 0.06)];

        Assert.Equal(0.5, Glicko2.TeamWinProbability(strong, strong), 1e-12);
        Assert.Equal(1, Glicko2.TeamWinProbability(strong, weak) + Glicko2.TeamWinProbability(weak, strong), 1e-12);
        Assert.True(Glicko2.TeamWinProbability(strong, weak) > 0.5);
        Assert.Equal(Glicko2.WinProbability(strong[0], weak[0]), Glicko2.TeamWinProbability([strong[0]], [weak[0]]), 1e-12);
    }

    [Fact]
    public void Malformed_input_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player with { Rating = double.NaN }, []));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player with { Deviation = 0 }, []));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player with { Volatility = double.PositiveInfinity }, []));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player, [new Glicko2Result(Player, 1.5)]));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player, [new Glicko2Result(Player with { Rating = double.NaN }, 1)]));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player, ExampleResults, tau: 0));
        Assert.Throws<ArgumentException>(() => Glicko2.Update(Player, ExampleResults, epsilon: double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => Glicko2.Idle(Player, -1));
        Assert.Throws<ArgumentException>(() => Glicko2.WinProbability(Player, Player with { Deviation = -1 }));
        Assert.Throws<ArgumentException>(() => Glicko2.RateTeams([[Player]], [1]));
        Assert.Throws<ArgumentException>(() => Glicko2.RateTeams([[Player], [Player]], [1]));
        Assert.Throws<ArgumentException>(() => Glicko2.RateTeams([[Player], []], [1, 2]));
        Assert.Throws<ArgumentException>(() => Glicko2.TeamWinProbability([], [Player]));
    }
}
