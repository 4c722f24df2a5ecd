namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// The fast matchmaker (<see cref="MatchAlgorithm.SkillWindow"/>): tickets of one group and region, sorted by skill,
/// are cut into runs of neighbours that fill a match exactly; a dynamic programme over the sorted run picks the cuts
/// that match the most tickets and, among those, the smallest total spread. Teams are filled largest party first,
/// each into the team with room and the lowest skill so far. O(n log n) per tick (the sort), O(n · players per match)
/// for the rest. See docs/matchmaking-algorithms.md.
/// </summary>
public sealed class SkillWindowMatchmaker : IMatchmaker
{
    private readonly MatchmakerOptions _options;

    public SkillWindowMatchmaker(MatchmakerOptions? options = null) => _options = options ?? MatchmakerOptions.Default;

    public IReadOnlyList<ProposedMatch> FindMatches(MatchPool pool, MatchRules rules) =>
        SkillWindowSelection.Find(pool, rules, _options, balanceTeams: false);
}
