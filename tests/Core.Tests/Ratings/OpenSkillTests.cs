using GameBackend.Core.Ratings;

namespace GameBackend.Core.Tests.Ratings;

/// <summary>
/// Weng-Lin Plackett-Luce against values published by the openskill libraries, and the properties of the model.
/// </summary>
public sealed class OpenSkillTests
{
    /// <summary>The model-level tests of openskill.js call the model without τ (the wrapper in rate.ts adds it).</summary>
    private static readonly OpenSkillOptions WithoutTau = new() { ApplyTau = false };

    private static readonly OpenSkillRating New = OpenSkillRating.Default;

    private static void AssertRating(double mu, double sigma, OpenSkillRating actual, double tolerance = 1e-9)
    {
        Assert.Equal(mu, actual.Mu, tolerance);
        Assert.Equal(sigma, actual.Sigma, tolerance);
    }

    [Fact]
    public void Defaults_are_openskills()
    {
        // openskill.py tests/models/weng_lin/test_plackett_luce.py, test_model_defaults: mu 25, sigma 25/3, beta 25/6,
        // kappa 0.0001; plackett_luce.py: tau 25/300, limit_sigma False.
        var options = OpenSkillOptions.Default;
        Assert.Equal(25, options.Mu);
        Assert.Equal(25.0 / 3, options.Sigma);
        Assert.Equal(25.0 / 6, options.Beta);
        Assert.Equal(0.0001, options.Kappa);
        Assert.Equal(25.0 / 300, options.Tau);
        Assert.True(options.ApplyTau);
        Assert.False(options.LimitSigma);
        Assert.Equal(New, options.NewRating());
        Assert.Equal(0, New.Ordinal, 1e-12);
    }

    [Fact]
    public void Two_teams_match_the_openskill_readme_example()
    {
        // philihp/openskill.js README.md (v1, before τ existed; the same numbers are in openskill.py's early README):
        // a1 (default) and a2 (32.444, 5.123) beat b1 (43.381, 2.421) and b2 (25.188, 6.211).
        var rated = OpenSkill.Rate(
            [[New, new OpenSkillRating(32.444, 5.123)], [new OpenSkillRating(43.381, 2.421), new OpenSkillRating(25.188, 6.211)]],
            [1, 2],
            WithoutTau);

        AssertRating(28.669648436582808, 8.071520788025197, rated[0][0]);
        AssertRating(33.83086971107981, 5.062772998705765, rated[0][1]);
        AssertRating(43.071274808241974, 2.4166900452721256, rated[1][0]);
        AssertRating(23.149503312339064, 6.1378606973362135, rated[1][1]);
        // Same README: ordinal of the last player.
        Assert.Equal(35.821204672425594, rated[1][0].Ordinal, 1e-9);
    }

    [Fact]
    public void Free_for_alls_of_new_players_match_openskill_js()
    {
        // philihp/openskill.js src/models/__tests__/plackett-luce.test.ts: "2p FFA" … "5p FFA" (model without τ).
        var two = OpenSkill.Rate([[New], [New]], [1, 2], WithoutTau);
        AssertRating(27.63523138347365, 8.065506316323548, two[0][0]);
        AssertRating(22.36476861652635, 8.065506316323548, two[1][0]);

        var three = OpenSkill.Rate([[New], [New], [New]], [1, 2, 3], WithoutTau);
        AssertRating(27.868876552746237, 8.204837030780652, three[0][0]);
        AssertRating(25.717219138186557, 8.057829747583874, three[1][0]);
        AssertRating(21.413904309067206, 8.057829747583874, three[2][0]);

        var four = OpenSkill.Rate([[New], [New], [New], [New]], [1, 2, 3, 4], WithoutTau);
        AssertRating(27.795084971874736, 8.263160757613477, four[0][0]);
        AssertRating(26.552824984374855, 8.179213704945203, four[1][0]);
        AssertRating(24.68943500312503, 8.083731307186588, four[2][0]);
        AssertRating(20.96265504062538, 8.083731307186588, four[3][0]);

        var five = OpenSkill.Rate([[New], [New], [New], [New], [New]], [1, 2, 3, 4, 5], WithoutTau);
        AssertRating(27.666666666666668, 8.290556877154474, five[0][0]);
        AssertRating(26.833333333333332, 8.240145629781066, five[1][0]);
        AssertRating(25.72222222222222, 8.179996679645559, five[2][0]);
        AssertRating(24.055555555555557, 8.111796013701358, five[3][0]);
        AssertRating(20.72222222222222, 8.111796013701358, five[4][0]);
    }

    [Fact]
    public void Three_teams_of_different_sizes_match_openskill_js()
    {
        // philihp/openskill.js src/models/__tests__/plackett-luce.test.ts: "3 teams different sized players",
        // teams of 3, 1 and 2 new players placed in that order.
        var rated = OpenSkill.Rate([[New, New, New], [New], [New, New]], [1, 2, 3], WithoutTau);

        Assert.All(rated[0], player => AssertRating(25.939870821784513, 8.247641552260456, player));
        AssertRating(27.21366020491262, 8.274321317985242, rated[1][0]);
        Assert.All(rated[2], player => AssertRating(21.84646897330287, 8.213058173195341, player));
    }

    /// <summary>
    /// vivekjoshy/openskill.py tests/models/data/plackettluce.json with tests/models/weng_lin/test_plackett_luce.py,
    /// test_rate (commit 061f71f): a model with μ 31.321989232514305 and σ 11.379964801443018, β and τ at their defaults,
    /// τ applied. The test compares to a relative 1e-4; the numbers are printed to full precision.
    /// </summary>
    private static readonly OpenSkillOptions PythonTestModel = new() { Mu = 31.321989232514305, Sigma = 11.379964801443018 };

    [Fact]
    public void Openskill_py_normal_game_with_tau()
    {
        var r = PythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r]], [1, 2], PythonTestModel);

        AssertRating(36.48967347401391, 11.237778601372977, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(26.154304991014694, 11.17822477763209, player));
    }

    [Fact]
    public void Openskill_py_ranks_reorder_the_result()
    {
        var r = PythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r]], [2, 1], PythonTestModel);

        AssertRating(30.19454401757094, 11.237778601372977, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(32.44943444745767, 11.17822477763209, player));
    }

    [Fact]
    public void Openskill_py_ties()
    {
        var r = PythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r], [r, r, r]], [1, 2, 1], PythonTestModel);

        AssertRating(33.21874815457553, 11.354896725884002, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(30.27713112192334, 11.291328826858104, player));
        Assert.All(rated[2], player => AssertRating(30.470088421044046, 11.249240904583088, player));
    }

    [Fact]
    public void Openskill_py_limit_sigma()
    {
        var r = PythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r], [r, r, r]], [2, 1, 3], PythonTestModel with { LimitSigma = true });

        AssertRating(35.008962716922355, 11.322612945836939, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(34.774820565754936, 11.291328826858104, player));
        Assert.All(rated[2], player => AssertRating(24.182184414865624, 11.192736898569162, player));
    }

    /// <summary>
    /// vivekjoshy/openskill.py tests/models/data/plackettluce.json with tests/models/weng_lin/test_plackett_luce.py
    /// (commit db1e0a5, a later data set): μ 30.9227929079249, σ 6.478417585666653, τ applied.
    /// </summary>
    private static readonly OpenSkillOptions LaterPythonTestModel = new() { Mu = 30.9227929079249, Sigma = 6.478417585666653 };

    [Fact]
    public void Openskill_py_later_data_normal_game()
    {
        var r = LaterPythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r]], [1, 2], LaterPythonTestModel);

        AssertRating(33.969011487326654, 6.446958847986065, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(27.876574328523148, 6.433659614219379, player));
    }

    [Fact]
    public void Openskill_py_later_data_four_teams_out_of_order()
    {
        var r = LaterPythonTestModel.NewRating();
        var rated = OpenSkill.Rate([[r], [r, r], [r], [r, r]], [2, 1, 4, 3], LaterPythonTestModel);

        AssertRating(32.77994443000071, 6.450747134006956, rated[0][0]);
        Assert.All(rated[1], player => AssertRating(32.2707505138986, 6.425889055872058, player));
        AssertRating(30.08402921805331, 6.430997477977663, rated[2][0]);
        Assert.All(rated[3], player => AssertRating(28.556447469746985, 6.355257645226833, player));
    }

    [Fact]
    public void Winners_gain_mu_losers_lose_it_and_every_sigma_shrinks_without_tau()
    {
        OpenSkillRating[] winners = [new(27, 6), new(22, 8)];
        OpenSkillRating[] losers = [new(30, 3)];

        var rated = OpenSkill.Rate([winners, losers], [1, 2], WithoutTau);

        Assert.All(rated[0], (player, i) => Assert.True(player.Mu > winners[i].Mu && player.Sigma < winners[i].Sigma));
        Assert.True(rated[1][0].Mu < losers[0].Mu && rated[1][0].Sigma < losers[0].Sigma);
        // The player the model knows least about moves most.
        Assert.True(rated[0][1].Mu - winners[1].Mu > rated[0][0].Mu - winners[0].Mu);
    }

    [Fact]
    public void Ranks_need_not_be_consecutive_or_in_team_order()
    {
        OpenSkillRating[][] teams = [[new(20, 7)], [new(28, 5)], [new(25, 8)]];

        var byPlace = OpenSkill.Rate(teams, [3, 1, 2]);
        var spread = OpenSkill.Rate(teams, [30, 10, 20]);
        var reordered = OpenSkill.Rate([teams[1], teams[2], teams[0]], [1, 2, 3]);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(byPlace[i][0], spread[i][0]);
        }

        Assert.Equal(byPlace[1][0].Mu, reordered[0][0].Mu, 1e-12);
        Assert.Equal(byPlace[2][0].Mu, reordered[1][0].Mu, 1e-12);
        Assert.Equal(byPlace[0][0].Mu, reordered[2][0].Mu, 1e-12);
    }

    [Fact]
    public void A_tie_between_equal_teams_keeps_mu_and_narrows_sigma()
    {
        var rated = OpenSkill.Rate([[New, New], [New, New]], [1, 1], WithoutTau);

        Assert.All(rated.SelectMany(team => team), player =>
        {
            Assert.Equal(New.Mu, player.Mu, 1e-12);
            Assert.True(player.Sigma < New.Sigma);
        });
    }

    [Fact]
    public void Large_mu_does_not_overflow()
    {
        var rated = OpenSkill.Rate([[new OpenSkillRating(100_000, 8)], [new OpenSkillRating(99_000, 8)]], [2, 1]);

        Assert.All(rated.SelectMany(team => team), player => Assert.True(double.IsFinite(player.Mu) && double.IsFinite(player.Sigma)));
        Assert.True(rated[0][0].Mu < 100_000);
    }

    [Fact]
    public void Two_team_win_probability_matches_openskill_js()
    {
        // philihp/openskill.js src/__tests__/predict-win.test.ts, "predicts win outcome for two teams".
        OpenSkillRating[] team1 = [New, new(32.444, 5.123)];
        OpenSkillRating[] team2 = [new(73.381, 1.421), new(25.188, 6.211)];

        var p = OpenSkill.WinProbabilities([team1, team2]);

        Assert.Equal(0.0008308945674377, p[0], 1e-7);
        Assert.Equal(0.9991691054325622, p[1], 1e-7);
    }

    [Fact]
    public void Win_probabilities_sum_to_one_and_are_equal_for_equal_teams()
    {
        OpenSkillRating[] team = [new(26, 5), new(24, 7)];
        Assert.Equal(new[] { 0.5, 0.5 }, OpenSkill.WinProbabilities([team, team]));

        var five = OpenSkill.WinProbabilities([[New], [New], [New], [New], [New]]);
        Assert.All(five, p => Assert.Equal(0.2, p, 1e-12));

        var mixed = OpenSkill.WinProbabilities([team, [new(40, 2)], [New, New, New], [new(10, 9)]]);
        Assert.Equal(1, mixed.Sum(), 1e-12);
        // Team strength is the sum of its players' μ: 75 > 50 > 40 > 10.
        Assert.True(mixed[2] > mixed[0] && mixed[0] > mixed[1] && mixed[1] > mixed[3]);
    }

    [Fact]
    public void The_impostor_in_a_free_for_all_is_the_favourite()
    {
        // vivekjoshy/openskill.py tests/models/weng_lin/test_plackett_luce.py, test_predict_5p_impostor.
        var impostor = new OpenSkillRating(32.444, 5.123);

        var p = OpenSkill.WinProbabilities([[New], [New], [New], [impostor], [New]]);

        Assert.Equal(p.Max(), p[3]);
        Assert.All(new[] { p[0], p[1], p[2], p[4] }, other => Assert.True(other < p[3]));
    }

    [Fact]
    public void Win_probabilities_do_not_depend_on_team_order()
    {
        OpenSkillRating[] a = [new(30, 4)];
        OpenSkillRating[] b = [new(25, 6), new(5, 2)];
        OpenSkillRating[] c = [new(22, 8)];

        var abc = OpenSkill.WinProbabilities([a, b, c]);
        var cab = OpenSkill.WinProbabilities([c, a, b]);

        Assert.Equal(abc[0], cab[1], 1e-12);
        Assert.Equal(abc[1], cab[2], 1e-12);
        Assert.Equal(abc[2], cab[0], 1e-12);
    }

    [Fact]
    public void Malformed_input_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New]], [1]));
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New], [New]], [1]));
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New], []], [1, 2]));
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New], [new OpenSkillRating(double.NaN, 1)]], [1, 2]));
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New], [new OpenSkillRating(25, 0)]], [1, 2]));
        Assert.Throws<ArgumentException>(() => OpenSkill.Rate([[New], [New]], [1, 2], new OpenSkillOptions { Beta = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>(() => OpenSkill.WinProbabilities([[New]]));
        Assert.Throws<ArgumentException>(() => OpenSkill.WinProbabilities([[New], [new OpenSkillRating(25, double.NaN)]]));
    }
}
