using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using GameBackend.Core.Leaderboards;

// 1. BenchmarkDotNet: mean and the upper percentiles per operation, the index beside SortedSet<T>.
// 2. A latency loop: every single operation timed (Stopwatch ticks), for p50/p99/p99.9/max, since a mean hides the tail.
// 3. Memory per entry: GC.GetTotalMemory before and after filling 1,000,000 entries.
// Arguments: "--quick" skips BenchmarkDotNet (latency loop and memory only).
if (!args.Contains("--quick"))
{
    BenchmarkRunner.Run<RankIndexBenchmarks>(args: args.Where(a => a != "--quick").ToArray());
}

LatencyReport.Run();

/// <summary>The shared setup: 1,000,000 players with scores 0–999,999 (many ties), descending.</summary>
public static class Population
{
    public const int Size = 1_000_000;

    public static string PlayerId(int i) => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static readonly RankBoard Board = new("0195f0a0b1c2d3e4f5a6b7c8d9e0f1a2", "season", "gen.all", LeaderboardSortOrder.Descending);

    public static double ScoreOf(Random random) => random.Next(0, 1_000_000);

    public static InProcessRankIndex FillIndex(out string[] players)
    {
        var random = new Random(42);
        var index = new InProcessRankIndex();
        players = new string[Size];
        var updatedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Size; i++)
        {
            players[i] = PlayerId(i);
            index.SetAsync(Board, new RankedRecord(players[i], ScoreOf(random), 1, updatedAt, null)).AsTask().GetAwaiter().GetResult();
        }

        index.RebuildAsync(Board, Empty()).AsTask().GetAwaiter().GetResult();
        return index;
    }

    /// <summary>The reference: what .NET itself offers, a red-black tree of (sort key, player) plus a player → score map.</summary>
    public static (SortedSet<(double Key, string Player)> Set, Dictionary<string, double> Scores) FillSortedSet(out string[] players)
    {
        var random = new Random(42);
        var set = new SortedSet<(double Key, string Player)>(Comparer<(double Key, string Player)>.Create(static (a, b) =>
        {
            var byKey = a.Key.CompareTo(b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Player, b.Player);
        }));
        var scores = new Dictionary<string, double>(Size, StringComparer.Ordinal);
        players = new string[Size];
        for (var i = 0; i < Size; i++)
        {
            players[i] = PlayerId(i);
            var key = -ScoreOf(random);
            set.Add((key, players[i]));
            scores[players[i]] = key;
        }

        return (set, scores);
    }

    private static async IAsyncEnumerable<RankedRecord> Empty()
    {
        await Task.CompletedTask;
        yield break;
    }
}

[Config(typeof(Config))]
[MemoryDiagnoser]
public class RankIndexBenchmarks
{
    private InProcessRankIndex _index = null!;
    private string[] _players = null!;
    private SortedSet<(double Key, string Player)> _set = null!;
    private Dictionary<string, double> _scores = null!;
    private Random _random = null!;
    private long _revision = 1;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1));
            AddColumn(StatisticColumn.P95, StatisticColumn.P100);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _index = Population.FillIndex(out _players);
        (_set, _scores) = Population.FillSortedSet(out _);
        _random = new Random(7);
    }

    [Benchmark(Description = "index: submit (new score, existing player)")]
    public bool IndexSubmit()
    {
        var player = _players[_random.Next(_players.Length)];
        var record = new RankedRecord(player, Population.ScoreOf(_random), ++_revision, DateTimeOffset.UnixEpoch, null);
        return _index.SetAsync(Population.Board, record).Result;
    }

    [Benchmark(Description = "index: rank of player")]
    public long IndexRank() => _index.GetAsync(Population.Board, _players[_random.Next(_players.Length)]).Result!.Value.Rank;

    [Benchmark(Description = "index: top 100")]
    public int IndexTop100() => _index.RangeAsync(Population.Board, 0, 100).Result.Count;

    [Benchmark(Description = "index: around me (k=10)")]
    public int IndexAroundMe() => _index.AroundAsync(Population.Board, _players[_random.Next(_players.Length)], 10).Result.Count;

    [Benchmark(Description = "SortedSet: submit (remove + add)")]
    public bool SortedSetSubmit()
    {
        var player = _players[_random.Next(_players.Length)];
        var key = -Population.ScoreOf(_random);
        _set.Remove((_scores[player], player));
        _scores[player] = key;
        return _set.Add((key, player));
    }

    [Benchmark(Description = "SortedSet: top 100")]
    public int SortedSetTop100()
    {
        var count = 0;
        foreach (var _ in _set)
        {
            if (++count == 100)
            {
                break;
            }
        }

        return count;
    }
}

/// <summary>Times every operation on its own, so p99 is the 99th percentile of single operations, not of batch means.</summary>
public static class LatencyReport
{
    private const int Operations = 200_000;

    public static void Run()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = Population.FillIndex(out var players);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        // The player id strings are counted too (each entry holds its own), but the players array is not part of the index.
        var playersArray = (long)players.Length * IntPtr.Size + 24;
        Console.WriteLine();
        Console.WriteLine($"Memory: {(after - before - playersArray) / (double)Population.Size:F1} bytes per entry in InProcessRankIndex (1,000,000 entries, 32-char player ids, no metadata)");

        var sortedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var (set, scores) = Population.FillSortedSet(out var setPlayers);
        var sortedAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"Memory: {(sortedAfter - sortedBefore - playersArray) / (double)Population.Size:F1} bytes per entry in SortedSet<(double,string)> + Dictionary<string,double> (reference, same ids)");
        GC.KeepAlive(set);
        GC.KeepAlive(scores);
        GC.KeepAlive(setPlayers);

        var random = new Random(11);
        long revision = 1;
        Console.WriteLine();
        Console.WriteLine($"Latency of single operations ({Operations:N0} each, 1,000,000 entries, one thread):");
        Console.WriteLine("| operation | mean | p50 | p99 | p99.9 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Measure("index: submit", () => index.SetAsync(Population.Board, new RankedRecord(players[random.Next(players.Length)], Population.ScoreOf(random), ++revision, DateTimeOffset.UnixEpoch, null)).Result);
        Measure("index: rank of player", () => index.GetAsync(Population.Board, players[random.Next(players.Length)]).Result!.Value.Rank);
        Measure("index: top 100", () => index.RangeAsync(Population.Board, 0, 100).Result.Count);
        Measure("index: around me (k=10)", () => index.AroundAsync(Population.Board, players[random.Next(players.Length)], 10).Result.Count);
        Measure("SortedSet: submit (remove + add)", () =>
        {
            var player = setPlayers[random.Next(setPlayers.Length)];
            var key = -Population.ScoreOf(random);
            set.Remove((scores[player], player));
            scores[player] = key;
            return set.Add((key, player));
        });
        Measure("SortedSet: top 100", () => set.Take(100).Count());
    }

    private static void Measure<T>(string name, Func<T> operation)
    {
        for (var i = 0; i < 20_000; i++)
        {
            operation();
        }

        var samples = new long[Operations];
        for (var i = 0; i < Operations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            operation();
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(samples);
        static string Micro(double ticks) => $"{ticks * 1_000_000.0 / Stopwatch.Frequency:F2} µs";
        Console.WriteLine($"| {name} | {Micro(samples.Average())} | {Micro(samples[Operations / 2])} | {Micro(samples[(int)(Operations * 0.99)])} | {Micro(samples[(int)(Operations * 0.999)])} | {Micro(samples[^1])} |");
    }
}
