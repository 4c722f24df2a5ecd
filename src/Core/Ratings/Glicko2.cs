namespace GameBackend.Core.Ratings;

/// <summary>
/// Glicko-2 (Glickman), implemented step by step as in Mark E. Glickman, "Example of the Glicko-2 system" (2013),
/// http://www.glicko.net/glicko/glicko2.pdf, so that the code can be checked against that document line by line.
/// Pure functions: callers load ratings, call these, and store the results.
/// <para>
/// Glicko-2 is a rating-period system: all of a player's games of one period are rated together against the opponents'
/// ratings from before the period. Rating each game as its own period (what a matchmaker usually does) is allowed, and is
/// what <see cref="RateTeams"/> does.
/// </para>
/// </summary>
public static class Glicko2
{
    /// <summary>
    /// The system constant τ, which limits how much volatility can change in one period. Glickman suggests 0.3 to 1.2;
    /// smaller values keep volatility steadier. 0.5 is the value of his worked example.
    /// </summary>
    public const double DefaultTau = 0.5;

    /// <summary>The largest RD a player reaches by idling: the RD of an unrated player, so idleness never makes a rating less known than no rating at all.</summary>
    public const double MaxDeviation = 350;

    /// <summary>The factor between the Glicko scale and the Glicko-2 scale (400 / ln 10, as in the paper).</summary>
    public const double Scale = 173.7178;

    /// <summary>The centre of the Glicko scale.</summary>
    public const double CenterRating = 1500;

    private const double DefaultEpsilon = 0.000001;

    /// <summary>
    /// Rates one period: steps 1–8 of Glickman's example, with the Illinois algorithm (step 5) finding the new volatility
    /// to within <paramref name="epsilon"/>. With no results only RD widens (step 6: φ* = √(φ² + σ²)); rating and volatility
    /// stay. That widening is not capped here, exactly as in the paper; use <see cref="Idle"/> for periods without games,
    /// which caps RD at <see cref="MaxDeviation"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A number is not finite, a deviation or volatility is not positive, a score is
    /// outside [0, 1], or τ or ε is not positive.</exception>
    public static Glicko2Rating Update(Glicko2Rating player, ReadOnlySpan<Glicko2Result> results, double tau = DefaultTau, double epsilon = DefaultEpsilon)
    {
        RequireValid(player, nameof(player));
        RequirePositive(tau, nameof(tau));
        RequirePositive(epsilon, nameof(epsilon));
        foreach (var result in results)
        {
            RequireValid(result.Opponent, nameof(results));
            if (!double.IsFinite(result.Score) || result.Score < 0 || result.Score > 1)
            {
                throw new ArgumentException($"A score must be within [0, 1], not {result.Score}.", nameof(results));
            }
        }

        // Step 2: convert to the Glicko-2 scale.
        var mu = (player.Rating - CenterRating) / Scale;
        var phi = player.Deviation / Scale;
        var sigma = player.Volatility;

        if (results.IsEmpty)
        {
            // Step 6 alone: a player who did not compete keeps rating and volatility; only the deviation grows.
            var widened = Math.Sqrt((phi * phi) + (sigma * sigma));
            return player with { Deviation = widened * Scale };
        }

        // Steps 3 and 4: the estimated variance v of the rating from game outcomes alone, and the improvement Δ
        // (kept as Σ g(φj)(sj − E), which step 7 reuses).
        double inverseV = 0;
        double scoreSum = 0;
        foreach (var result in results)
        {
            var opponentMu = (result.Opponent.Rating - CenterRating) / Scale;
            var g = G(result.Opponent.Deviation / Scale);
            var expected = Expected(mu, opponentMu, g);
            inverseV += g * g * expected * (1 - expected);
            scoreSum += g * (result.Score - expected);
        }

        var v = 1 / inverseV;
        var delta = v * scoreSum;

        // Step 5: the new volatility.
        var newSigma = NewVolatility(phi, sigma, v, delta, tau, epsilon);

        // Steps 6 and 7: pre-period deviation, then the new deviation and rating.
        var phiStar = Math.Sqrt((phi * phi) + (newSigma * newSigma));
        var newPhi = 1 / Math.Sqrt((1 / (phiStar * phiStar)) + (1 / v));
        var newMu = mu + (newPhi * newPhi * scoreSum);

        // Step 8: back to the Glicko scale.
        return new Glicko2Rating((Scale * newMu) + CenterRating, Scale * newPhi, newSigma);
    }

    /// <summary>
    /// <paramref name="periods"/> rating periods without games: each widens RD as step 6 does (φ² grows by σ² per period),
    /// capped at <see cref="MaxDeviation"/>. Rating and volatility do not change. Periods are whatever the title calls a
    /// period (a day, a week); the caller counts them, since Core has no opinion on how long one is.
    /// </summary>
    /// <exception cref="ArgumentException">The rating is malformed or <paramref name="periods"/> is negative.</exception>
    public static Glicko2Rating Idle(Glicko2Rating player, int periods)
    {
        RequireValid(player, nameof(player));
        ArgumentOutOfRangeException.ThrowIfNegative(periods);
        if (periods == 0)
        {
            return player;
        }

        // Widening is monotone and every period adds the same σ², so n periods add nσ², and a cap applied every period
        // equals the cap applied once at the end.
        var phi = player.Deviation / Scale;
        var widened = Math.Sqrt((phi * phi) + (periods * player.Volatility * player.Volatility)) * Scale;
        return player with { Deviation = Math.Min(widened, MaxDeviation) };
    }

    /// <summary>
    /// The probability that <paramref name="a"/> beats <paramref name="b"/> (a draw counting half): Glickman's expected
    /// score E, with g taken of the combined deviation √(φa² + φb²) so that both players' uncertainty pulls the estimate
    /// towards 50%. Symmetric: P(a, b) + P(b, a) = 1.
    /// </summary>
    public static double WinProbability(Glicko2Rating a, Glicko2Rating b)
    {
        RequireValid(a, nameof(a));
        RequireValid(b, nameof(b));
        var phiA = a.Deviation / Scale;
        var phiB = b.Deviation / Scale;
        var g = G(Math.Sqrt((phiA * phiA) + (phiB * phiB)));
        return Expected((a.Rating - CenterRating) / Scale, (b.Rating - CenterRating) / Scale, g);
    }

    /// <summary>
    /// Rates one team game, each game as its own rating period. Glicko-2 knows only one-on-one games, so this is an
    /// approximation (a common one): every player is rated against each other team as a single composite opponent whose
    /// rating is the team's mean rating and whose RD is √(mean of RD²), scoring 1, 0.5 or 0 against it by rank (lower rank
    /// is better, equal ranks draw). Team-mates therefore move by their own RD and volatility but against the same
    /// opponents, and a player is not credited or blamed for their own share of the team's result.
    /// </summary>
    /// <param name="teams">At least two teams, none empty; ratings from before the game.</param>
    /// <param name="ranks">Each team's place, parallel to <paramref name="teams"/>.</param>
    /// <param name="tau">The system constant τ.</param>
    /// <returns>New ratings in the same shape as <paramref name="teams"/>.</returns>
    /// <exception cref="ArgumentException">Fewer than two teams, an empty team, ranks of another length, or a malformed rating.</exception>
    public static Glicko2Rating[][] RateTeams(IReadOnlyList<IReadOnlyList<Glicko2Rating>> teams, IReadOnlyList<int> ranks, double tau = DefaultTau)
    {
        ArgumentNullException.ThrowIfNull(teams);
        ArgumentNullException.ThrowIfNull(ranks);
        if (teams.Count < 2)
        {
            throw new ArgumentException($"A team game needs at least two teams, not {teams.Count}.", nameof(teams));
        }

        if (ranks.Count != teams.Count)
        {
            throw new ArgumentException($"There are {teams.Count} teams but {ranks.Count} ranks.", nameof(ranks));
        }

        var composites = new Glicko2Rating[teams.Count];
        for (var t = 0; t < teams.Count; t++)
        {
            composites[t] = Composite(teams[t], nameof(teams));
        }

        var rated = new Glicko2Rating[teams.Count][];
        var results = new Glicko2Result[teams.Count - 1];
        for (var t = 0; t < teams.Count; t++)
        {
            var n = 0;
            for (var other = 0; other < teams.Count; other++)
            {
                if (other != t)
                {
                    var score = ranks[t] < ranks[other] ? 1 : ranks[t] == ranks[other] ? 0.5 : 0;
                    results[n++] = new Glicko2Result(composites[other], score);
                }
            }

            var team = teams[t];
            rated[t] = new Glicko2Rating[team.Count];
            for (var p = 0; p < team.Count; p++)
            {
                rated[t][p] = Update(team[p], results, tau);
            }
        }

        return rated;
    }

    /// <summary>The probability that team <paramref name="a"/> beats team <paramref name="b"/>: <see cref="WinProbability"/> of their composite ratings (see <see cref="RateTeams"/>).</summary>
    /// <exception cref="ArgumentException">A team is empty or holds a malformed rating.</exception>
    public static double TeamWinProbability(IReadOnlyList<Glicko2Rating> a, IReadOnlyList<Glicko2Rating> b) =>
        WinProbability(Composite(a, nameof(a)), Composite(b, nameof(b)));

    /// <summary>A team as one opponent: mean rating, RD = √(mean RD²) (the deviation of an average variance), mean volatility.</summary>
    internal static Glicko2Rating Composite(IReadOnlyList<Glicko2Rating> team, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(team, parameterName);
        if (team.Count == 0)
        {
            throw new ArgumentException("A team needs at least one player.", parameterName);
        }

        double rating = 0, variance = 0, volatility = 0;
        foreach (var player in team)
        {
            RequireValid(player, parameterName);
            rating += player.Rating;
            variance += player.Deviation * player.Deviation;
            volatility += player.Volatility;
        }

        return new Glicko2Rating(rating / team.Count, Math.Sqrt(variance / team.Count), volatility / team.Count);
    }

    private static double G(double phi) => 1 / Math.Sqrt(1 + (3 * phi * phi / (Math.PI * Math.PI)));

    private static double Expected(double mu, double opponentMu, double g) => 1 / (1 + Math.Exp(-g * (mu - opponentMu)));

    /// <summary>Step 5: the root of f by the Illinois algorithm (regula falsi that halves a stale end's value).</summary>
    private static double NewVolatility(double phi, double sigma, double v, double delta, double tau, double epsilon)
    {
        var phi2 = phi * phi;
        var delta2 = delta * delta;
        var a = Math.Log(sigma * sigma);
        double F(double x)
        {
            var ex = Math.Exp(x);
            var d = phi2 + v + ex;
            return (ex * (delta2 - phi2 - v - ex) / (2 * d * d)) - ((x - a) / (tau * tau));
        }

        var lower = a;
        double upper;
        if (delta2 > phi2 + v)
        {
            upper = Math.Log(delta2 - phi2 - v);
        }
        else
        {
            var k = 1;
            while (F(a - (k * tau)) < 0)
            {
                k++;
            }

            upper = a - (k * tau);
        }

        var fLower = F(lower);
        var fUpper = F(upper);
        while (Math.Abs(upper - lower) > epsilon)
        {
            var c = lower + ((lower - upper) * fLower / (fUpper - fLower));
            var fc = F(c);
            if (fc * fUpper <= 0)
            {
                lower = upper;
                fLower = fUpper;
            }
            else
            {
                fLower /= 2;
            }

            upper = c;
            fUpper = fc;
        }

        return Math.Exp(lower / 2);
    }

    private static void RequireValid(Glicko2Rating rating, string parameterName)
    {
        if (!double.IsFinite(rating.Rating) || !double.IsFinite(rating.Deviation) || !double.IsFinite(rating.Volatility)
            || rating.Deviation <= 0 || rating.Volatility <= 0)
        {
            throw new ArgumentException($"A Glicko-2 rating needs a finite rating and a finite, positive deviation and volatility, not {rating}.", parameterName);
        }
    }

    private static void RequirePositive(double value, string parameterName)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentException($"Must be finite and positive, not {value}.", parameterName);
        }
    }
}
