namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>Picks the built-in matchmaker for a queue's <see cref="MatchAlgorithm"/>.</summary>
public static class Matchmakers
{
    private static readonly SkillWindowMatchmaker DefaultSkillWindow = new();
    private static readonly BalancedMatchmaker DefaultBalanced = new();

    /// <summary>The matchmaker for <paramref name="algorithm"/>; with no options, a shared instance (they are stateless).</summary>
    public static IMatchmaker For(MatchAlgorithm algorithm, MatchmakerOptions? options = null) => algorithm switch
    {
        MatchAlgorithm.SkillWindow => options is null ? DefaultSkillWindow : new SkillWindowMatchmaker(options),
        MatchAlgorithm.Balanced => options is null ? DefaultBalanced : new BalancedMatchmaker(options),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown match algorithm."),
    };
}
