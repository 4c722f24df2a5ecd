namespace GameBackend.Core.Ratings;

/// <summary>
/// A player's Weng-Lin (OpenSkill) rating: skill believed to be normally distributed with mean <see cref="Mu"/> and
/// standard deviation <see cref="Sigma"/>.
/// </summary>
public readonly record struct OpenSkillRating(double Mu, double Sigma)
{
    /// <summary>An unrated player with openskill's defaults: μ = 25, σ = 25/3.</summary>
    public static OpenSkillRating Default { get; } = new(25, 25.0 / 3);

    /// <summary>
    /// μ − 3σ: a skill the player very probably (about 99.7%) exceeds. Sort leaderboards by this rather than μ, so that a
    /// lucky newcomer with a high μ and a wide σ does not outrank proven players.
    /// </summary>
    public double Ordinal => Mu - (3 * Sigma);
}

/// <summary>
/// Model parameters of <see cref="OpenSkill"/>. The defaults are openskill's (openskill.py's <c>PlackettLuce()</c>):
/// μ 25, σ 25/3, β 25/6, κ 0.0001, τ 25/300, τ applied, σ not limited.
/// </summary>
public sealed record OpenSkillOptions
{
    /// <summary>The defaults.</summary>
    public static OpenSkillOptions Default { get; } = new();

    /// <summary>The μ of a new player. Only <see cref="NewRating"/> reads it; rating works on the given ratings.</summary>
    public double Mu { get; init; } = 25;

    /// <summary>The σ of a new player. Only <see cref="NewRating"/> reads it.</summary>
    public double Sigma { get; init; } = 25.0 / 3;

    /// <summary>
    /// The performance noise β: how much a single game's performance varies around skill. openskill's default is 25/6
    /// (half the default σ); as in openskill.py (openskill.js derives σ/2), it stays 25/6 when <see cref="Sigma"/> is
    /// changed, so set both together.
    /// </summary>
    public double Beta { get; init; } = 25.0 / 6;

    /// <summary>The floor κ under σ's shrink factor, which keeps σ positive however decisive a game is.</summary>
    public double Kappa { get; init; } = 0.0001;

    /// <summary>
    /// Additive dynamics τ: before each game every σ becomes √(σ² + τ²), so skill is modelled as drifting and σ never
    /// settles so low that ratings stop moving.
    /// </summary>
    public double Tau { get; init; } = 25.0 / 300;

    /// <summary>
    /// Whether <see cref="Tau"/> is applied. True by default, as the <c>rate</c> of openskill.py and of current openskill.js
    /// apply it (the paper itself has no τ). False gives the paper's update exactly.
    /// </summary>
    public bool ApplyTau { get; init; } = true;

    /// <summary>
    /// openskill's <c>limit_sigma</c>: never let a game raise a player's σ (which τ can do), so a win never lowers the
    /// ordinal. Off by default, as in openskill.
    /// </summary>
    public bool LimitSigma { get; init; }

    /// <summary>A new player's rating under these options.</summary>
    public OpenSkillRating NewRating() => new(Mu, Sigma);
}
