namespace GameBackend.Core.Ratings;

/// <summary>
/// A player's Glicko-2 rating on the familiar Glicko scale (1500-centred), as stored and shown. The algorithm works on
/// the Glicko-2 scale internally; keeping the stored form on the Glicko scale lets ratings be read by people and compared
/// with Elo-like numbers without a conversion at every call site.
/// </summary>
/// <param name="Rating">The rating r (mean of the skill estimate).</param>
/// <param name="Deviation">The rating deviation RD: how uncertain r is. It shrinks with games and widens with idleness.</param>
/// <param name="Volatility">The volatility σ: how erratic the player's results are; it sets how fast RD widens.</param>
public readonly record struct Glicko2Rating(double Rating, double Deviation, double Volatility)
{
    /// <summary>An unrated player, with Glickman's suggested starting values: r = 1500, RD = 350, σ = 0.06.</summary>
    public static Glicko2Rating Default { get; } = new(1500, 350, 0.06);
}

/// <summary>One game of a rating period, from the rated player's side.</summary>
/// <param name="Opponent">The opponent's rating as it was before the period (Glicko-2 rates a whole period at once).</param>
/// <param name="Score">1 for a win, 0.5 for a draw, 0 for a loss (any value in [0, 1] is accepted).</param>
public readonly record struct Glicko2Result(Glicko2Rating Opponent, double Score);
