using GameBackend.Core.Analytics;

namespace GameBackend.Core.Tests.Analytics;

public sealed class DistinctCountSketchTests
{
    [Fact]
    public void A_small_set_is_counted_exactly_and_repeats_count_once()
    {
        var sketch = new DistinctCountSketch();
        for (var i = 0; i < DistinctCountSketch.MaxExactHashes; i++)
        {
            sketch.Add("player-" + i);
            sketch.Add("player-" + i);
        }

        Assert.True(sketch.IsExact);
        Assert.Equal(DistinctCountSketch.MaxExactHashes, sketch.Estimate());
        var read = DistinctCountSketch.FromBytes(sketch.ToBytes());
        Assert.True(read.IsExact);
        Assert.Equal(DistinctCountSketch.MaxExactHashes, read.Estimate());
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(20_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void A_large_set_is_estimated_within_three_standard_errors(int cardinality)
    {
        var random = new Random(20261125 + cardinality);
        var sketch = new DistinctCountSketch();
        Span<byte> id = stackalloc byte[16];
        for (var i = 0; i < cardinality; i++)
        {
            random.NextBytes(id);
            sketch.Add(Convert.ToHexString(id));
        }

        Assert.False(sketch.IsExact);
        var error = Math.Abs(sketch.Estimate() - cardinality) / (double)cardinality;
        Assert.True(error < 3 * DistinctCountSketch.StandardError, $"{sketch.Estimate()} for {cardinality}: error {error:P2}");

        // The stored form estimates the same.
        Assert.Equal(sketch.Estimate(), DistinctCountSketch.FromBytes(sketch.ToBytes()).Estimate());
    }

    [Fact]
    public void A_union_counts_the_overlap_once()
    {
        var (monday, tuesday) = (new DistinctCountSketch(), new DistinctCountSketch());
        for (var i = 0; i < 60_000; i++)
        {
            monday.Add("p" + i);
        }

        for (var i = 40_000; i < 100_000; i++)
        {
            tuesday.Add("p" + i);
        }

        var week = new DistinctCountSketch();
        week.Merge(monday);
        week.Merge(tuesday);
        Assert.InRange(week.Estimate(), 100_000 * (1 - (3 * DistinctCountSketch.StandardError)), 100_000 * (1 + (3 * DistinctCountSketch.StandardError)));

        var small = new DistinctCountSketch();
        small.Add("a");
        small.Add("b");
        var other = new DistinctCountSketch();
        other.Add("b");
        other.Add("c");
        small.Merge(other);
        Assert.True(small.IsExact);
        Assert.Equal(3, small.Estimate());
    }

    [Fact]
    public void The_stored_form_is_bounded()
    {
        var sketch = new DistinctCountSketch();
        for (var i = 0; i < 300_000; i++)
        {
            sketch.Add("p" + i);
            Assert.True(i % 997 != 0 || sketch.ToBytes().Length <= DistinctCountSketch.MaxStoredBytes);
        }

        Assert.Equal(DistinctCountSketch.MaxStoredBytes, sketch.ToBytes().Length);
        Assert.Equal(0, DistinctCountSketch.FromBytes(null).Estimate());
    }

    [Theory]
    [InlineData(new byte[] { 9 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 2, 0 })]
    public void Bytes_that_are_not_a_sketch_are_refused(byte[] bytes) =>
        Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(bytes));
}
