using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>Percentiles (linear interpolation between closest ranks, as numpy's default) and the spec's match metrics.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Spread: highest minus lowest ticket skill.</summary>
    public static double Spread(ProposedMatch match, Func<int, double> skill)
    {
        var low = double.PositiveInfinity;
        var high = double.NegativeInfinity;
        foreach (var t in match.Tickets)
        {
            low = Math.Min(low, skill(t));
            high = Math.Max(high, skill(t));
        }

        return high - low;
    }

    /// <summary>|P(team 0 wins) − 0.5| with the spec's logistic model over player-weighted team means.</summary>
    public static double Imbalance(ProposedMatch match, Func<int, double> skill, Func<int, int> party)
    {
        double sumA = 0, sumB = 0;
        int playersA = 0, playersB = 0;
        for (var k = 0; k < match.Tickets.Length; k++)
        {
            var t = match.Tickets[k];
            if (match.Teams[k] == 0)
            {
                sumA += skill(t) * party(t);
                playersA += party(t);
            }
            else
            {
                sumB += skill(t) * party(t);
                playersB += party(t);
            }
        }

        var p = 1 / (1 + Math.Pow(10, -((sumA / playersA) - (sumB / playersB)) / 400));
        return Math.Abs(p - 0.5);
    }
}
