using GameBackend.Core.Ratings;

namespace GameBackend.Bench.Matchmaking;

/// <summary>
/// S3: 10,000 players, true skill θ = 1500 + 300·z from seed 7 (two draws each, in player order); all start at Glicko-2
/// 1500/350/0.06, τ = 0.5. Each period: sort by (rating, id), pair neighbours (0,1), (2,3), …; for each pair in that
/// order one uniform u from the same stream, a wins when u &lt; 1/(1 + 10^(−(θa − θb)/400)); then every player is
/// rated once on that period's game against the opponent's rating from before the period.
/// </summary>
internal static class RatingLoopScenario
{
    public const int Players = 10_000;

    public static readonly int[] ReportedPeriods = [1, 5, 10, 20, 40];

    /// <summary>How a period's pairs are formed from the players sorted by (rating, id).</summary>
    public delegate void Pairing(int period, int[] sorted, Span<(int A, int B)> pairs);

    /// <summary>The spec's pairing: neighbours in rating order.</summary>
    public static void Neighbours(int period, int[] sorted, Span<(int A, int B)> pairs)
    {
        for (var k = 0; k < pairs.Length; k++)
        {
            pairs[k] = (sorted[2 * k], sorted[(2 * k) + 1]);
        }
    }

    /// <summary>Not the spec's pairing: neighbours in even periods, neighbours shifted by one in odd periods (the first and last player meet), so adjacent pairs' results link up.</summary>
    public static void ShiftedNeighbours(int period, int[] sorted, Span<(int A, int B)> pairs)
    {
        var shift = period % 2;
        var n = sorted.Length;
        for (var k = 0; k < pairs.Length; k++)
        {
            pairs[k] = (sorted[((2 * k) + shift) % n], sorted[((2 * k) + 1 + shift) % n]);
        }
    }

    /// <summary>Not the spec's pairing: in blocks of four by rating, 1st plays 3rd and 2nd plays 4th, each comparing across a slightly wider rating gap.</summary>
    public static void Interleaved(int period, int[] sorted, Span<(int A, int B)> pairs)
    {
        for (var k = 0; k < pairs.Length; k += 2)
        {
            var b = 2 * k;
            pairs[k] = (sorted[b], sorted[b + 2]);
            pairs[k + 1] = (sorted[b + 1], sorted[b + 3]);
        }
    }

    public static void Run(string name, Pairing pairing, int periods = 40)
    {
        var random = new SplitMix64(7);
        var theta = new double[Players];
        for (var i = 0; i < Players; i++)
        {
            theta[i] = 1500 + (300 * random.NextNormal());
        }

        var ratings = new Glicko2Rating[Players];
        Array.Fill(ratings, Glicko2Rating.Default);
        var updated = new Glicko2Rating[Players];
        var sorted = Enumerable.Range(0, Players).ToArray();
        var pairs = new (int A, int B)[Players / 2];
        var result = new Glicko2Result[1];
        Console.WriteLine($"{name}:");
        Console.WriteLine("| period | Spearman(rating, θ), ties averaged | Spearman, ties broken by id | mean RD | mean abs(P_true − 0.5) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        for (var period = 1; period <= periods; period++)
        {
            Array.Sort(sorted, (x, y) =>
            {
                var c = ratings[x].Rating.CompareTo(ratings[y].Rating);
                return c != 0 ? c : x.CompareTo(y);
            });
            pairing(period, sorted, pairs);
            var imbalance = 0.0;
            foreach (var (a, b) in pairs)
            {
                var p = 1 / (1 + Math.Pow(10, -(theta[a] - theta[b]) / 400));
                imbalance += Math.Abs(p - 0.5);
                var aWins = random.NextUniform() < p;
                result[0] = new Glicko2Result(ratings[b], aWins ? 1 : 0);
                updated[a] = Glicko2.Update(ratings[a], result, 0.5);
                result[0] = new Glicko2Result(ratings[a], aWins ? 0 : 1);
                updated[b] = Glicko2.Update(ratings[b], result, 0.5);
            }

            (ratings, updated) = (updated, ratings);
            if (ReportedPeriods.Contains(period))
            {
                var rho = Spearman(ratings.Select(r => r.Rating).ToArray(), theta);
                var ordinal = SpearmanOrdinal(ratings.Select(r => r.Rating).ToArray(), theta);
                Console.WriteLine($"| {period} | {rho:F4} | {ordinal:F4} | {ratings.Average(r => r.Deviation):F1} | {imbalance / pairs.Length:F4} |");
            }
        }

        Console.WriteLine();
    }

    /// <summary>Spearman's ρ as Pearson's correlation of ranks, ties given their average rank.</summary>
    public static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman's ρ with ordinal ranks: ties broken by id (the order the pairing sorts by).</summary>
    public static double SpearmanOrdinal(double[] x, double[] y)
    {
        var rx = new double[x.Length];
        var byX = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ThenBy(i => i).ToArray();
        for (var k = 0; k < byX.Length; k++)
        {
            rx[byX[k]] = k;
        }

        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var k = 0; k < order.Length;)
        {
            var end = k;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[k]])
            {
                end++;
            }

            for (var j = k; j <= end; j++)
            {
                ranks[order[j]] = (k + end) / 2.0;
            }

            k = end + 1;
        }

        return ranks;
    }
}
