namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// The balanced matchmaker (<see cref="MatchAlgorithm.Balanced"/>): chooses the same tickets as
/// <see cref="SkillWindowMatchmaker"/>, then splits each match into the teams whose player-weighted mean skills are
/// closest (two teams: the smallest |mean A − mean B|, which puts the predicted win probability of any logistic
/// model nearest 50%; more teams: the smallest highest-minus-lowest team mean). The split is an exact search up to
/// 16 tickets for two teams and 10 tickets for more; beyond that, a swap-based local search from the fast split.
/// See docs/matchmaking-algorithms.md.
/// </summary>
public sealed class BalancedMatchmaker : IMatchmaker
{
    private readonly MatchmakerOptions _options;

    public BalancedMatchmaker(MatchmakerOptions? options = null) => _options = options ?? MatchmakerOptions.Default;

    public IReadOnlyList<ProposedMatch> FindMatches(MatchPool pool, MatchRules rules) =>
        SkillWindowSelection.Find(pool, rules, _options, balanceTeams: true);
}
