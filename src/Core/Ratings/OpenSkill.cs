namespace GameBackend.Core.Ratings;

/// <summary>
/// Weng-Lin Bayesian online rating (Ruby C. Weng and Chih-Jen Lin, "A Bayesian Approximation Method for Online Ranking",
/// JMLR 12, 2011) with the Plackett-Luce model (the paper's Algorithm 4), as the openskill libraries implement it. Unlike
/// Glicko-2 it rates any number of teams of any size natively, including ties, in one update.
/// <para>
/// A team's strength is the sum of its players' μ and σ². Each team's μ moves by how much better or worse it did than
/// the model expected; a player's share of the team's move is their σ² over the team's σ², so the player the model is
/// least sure of moves most.
/// </para>
/// </summary>
public static class OpenSkill
{
    /// <summary>
    /// Rates one game. <paramref name="ranks"/> gives each team's place, lower is better, equal ranks are a tie; the
    /// values need not be consecutive.
    /// </summary>
    /// <returns>New ratings in the same shape as <paramref name="teams"/>.</returns>
    /// <exception cref="ArgumentException">Fewer than two teams, an empty team, ranks of another length, a rating that is not
    /// finite or has σ ≤ 0, or options that are not finite and positive.</exception>
    public static OpenSkillRating[][] Rate(IReadOnlyList<IReadOnlyList<OpenSkillRating>> teams, IReadOnlyList<int> ranks, OpenSkillOptions? options = null)
    {
        options ??= OpenSkillOptions.Default;
        RequireValid(options);
        RequireValid(teams);
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Count != teams.Count)
        {
            throw new ArgumentException($"There are {teams.Count} teams but {ranks.Count} ranks.", nameof(ranks));
        }

        var k = teams.Count;
        var tauSquared = options.ApplyTau ? options.Tau * options.Tau : 0;
        var betaSquared = options.Beta * options.Beta;

        // Team strength (θ_i, σ_i²) after the additive dynamics, and c² = Σ (σ_i² + β²) (Algorithm 4, step 2).
        var teamMu = new double[k];
        var teamSigmaSquared = new double[k];
        double cSquared = 0;
        for (var i = 0; i < k; i++)
        {
            foreach (var player in teams[i])
            {
                teamMu[i] += player.Mu;
                teamSigmaSquared[i] += (player.Sigma * player.Sigma) + tauSquared;
            }

            cSquared += teamSigmaSquared[i] + betaSquared;
        }

        var c = Math.Sqrt(cSquared);

        // e^(θ_i/c), shifted by the largest exponent: only ratios of these are used, and the shift keeps exp from
        // overflowing for large μ.
        var maxExponent = double.NegativeInfinity;
        for (var i = 0; i < k; i++)
        {
            maxExponent = Math.Max(maxExponent, teamMu[i] / c);
        }

        var strength = new double[k];
        for (var i = 0; i < k; i++)
        {
            strength[i] = Math.Exp((teamMu[i] / c) - maxExponent);
        }

        // sumQ[q] = Σ over teams s placed no better than q of e^(θ_s/c); tied[q] = A_q, the number of teams tied with q.
        var sumQ = new double[k];
        var tied = new int[k];
        for (var q = 0; q < k; q++)
        {
            for (var s = 0; s < k; s++)
            {
                if (ranks[s] >= ranks[q])
                {
                    sumQ[q] += strength[s];
                }

                if (ranks[s] == ranks[q])
                {
                    tied[q]++;
                }
            }
        }

        var rated = new OpenSkillRating[k][];
        for (var i = 0; i < k; i++)
        {
            // Ω_i (the update of the mean) and Δ_i (of the variance), summed over every stage q of the Plackett-Luce
            // ranking in which team i was still in the running: the teams placed at or above it (r(q) ≤ r(i)).
            double omega = 0, delta = 0;
            for (var q = 0; q < k; q++)
            {
                if (ranks[q] > ranks[i])
                {
                    continue;
                }

                var p = strength[i] / sumQ[q];
                delta += p * (1 - p) / tied[q];
                omega += (q == i ? 1 - p : -p) / tied[q];
            }

            omega *= teamSigmaSquared[i] / c;
            delta *= teamSigmaSquared[i] / cSquared;

            // γ_i = σ_i / c, the paper's suggested damping of the variance update.
            delta *= Math.Sqrt(teamSigmaSquared[i]) / c;

            var team = teams[i];
            rated[i] = new OpenSkillRating[team.Count];
            for (var j = 0; j < team.Count; j++)
            {
                var sigmaSquared = (team[j].Sigma * team[j].Sigma) + tauSquared;
                var share = sigmaSquared / teamSigmaSquared[i];
                var mu = team[j].Mu + (share * omega);
                var sigma = Math.Sqrt(sigmaSquared) * Math.Sqrt(Math.Max(1 - (share * delta), options.Kappa));
                if (options.LimitSigma)
                {
                    sigma = Math.Min(sigma, team[j].Sigma);
                }

                rated[i][j] = new OpenSkillRating(mu, sigma);
            }
        }

        return rated;
    }

    /// <summary>
    /// Each team's probability of winning, summing to 1, as openskill.py's <c>predict_win</c> computes it: the probability
    /// that team a outperforms team b is Φ((μa − μb) / √(2β² + σa² + σb²)) with team μ and σ² summed over players; each
    /// team's chance is its mean over all opponents, and the chances are normalised to sum to 1 (with two teams this is
    /// just [P(a beats b), P(b beats a)]). Order of teams does not matter; equal teams get equal chances.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two teams, an empty team, or a malformed rating or option.</exception>
    public static double[] WinProbabilities(IReadOnlyList<IReadOnlyList<OpenSkillRating>> teams, OpenSkillOptions? options = null)
    {
        options ??= OpenSkillOptions.Default;
        RequireValid(options);
        RequireValid(teams);

        var k = teams.Count;
        var teamMu = new double[k];
        var teamSigmaSquared = new double[k];
        for (var i = 0; i < k; i++)
        {
            foreach (var player in teams[i])
            {
                teamMu[i] += player.Mu;
                teamSigmaSquared[i] += player.Sigma * player.Sigma;
            }
        }

        var twoBetaSquared = 2 * options.Beta * options.Beta;
        var chances = new double[k];
        for (var i = 0; i < k; i++)
        {
            for (var j = i + 1; j < k; j++)
            {
                var p = NormalDistribution.Cdf((teamMu[i] - teamMu[j]) / Math.Sqrt(twoBetaSquared + teamSigmaSquared[i] + teamSigmaSquared[j]));
                chances[i] += p;
                chances[j] += 1 - p;
            }
        }

        // Every pair contributes exactly 1 in total, so the sum is k(k − 1)/2.
        var total = k * (k - 1) / 2.0;
        for (var i = 0; i < k; i++)
        {
            chances[i] /= total;
        }

        return chances;
    }

    private static void RequireValid(IReadOnlyList<IReadOnlyList<OpenSkillRating>> teams)
    {
        ArgumentNullException.ThrowIfNull(teams);
        if (teams.Count < 2)
        {
            throw new ArgumentException($"A game needs at least two teams, not {teams.Count}.", nameof(teams));
        }

        foreach (var team in teams)
        {
            if (team is null || team.Count == 0)
            {
                throw new ArgumentException("A team needs at least one player.", nameof(teams));
            }

            foreach (var player in team)
            {
                if (!double.IsFinite(player.Mu) || !double.IsFinite(player.Sigma) || player.Sigma <= 0)
                {
                    throw new ArgumentException($"A rating needs a finite μ and a finite, positive σ, not {player}.", nameof(teams));
                }
            }
        }
    }

    private static void RequireValid(OpenSkillOptions options)
    {
        if (!double.IsFinite(options.Mu) || !IsPositive(options.Sigma) || !IsPositive(options.Beta) || !IsPositive(options.Kappa)
            || !double.IsFinite(options.Tau) || options.Tau < 0)
        {
            throw new ArgumentException($"OpenSkill options need a finite μ, positive σ, β and κ, and a non-negative τ: {options}.", nameof(options));
        }
    }

    private static bool IsPositive(double value) => double.IsFinite(value) && value > 0;
}
