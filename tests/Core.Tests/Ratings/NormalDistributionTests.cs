using GameBackend.Core.Ratings;

namespace GameBackend.Core.Tests.Ratings;

/// <summary>Φ, which OpenSkill's win probabilities rest on, against standard normal table values.</summary>
public sealed class NormalDistributionTests
{
    [Theory]
    // Values of the standard normal distribution function as tabulated (Abramowitz & Stegun, table 26.1, and any
    // statistics table): Φ(0) = 0.5, Φ(1) = 0.841344746068543, Φ(1.96) = 0.975002104851780, Φ(3) = 0.998650101968370.
    [InlineData(0, 0.5)]
    [InlineData(1, 0.841344746068543)]
    [InlineData(1.96, 0.975002104851780)]
    [InlineData(3, 0.998650101968370)]
    public void Matches_table_values_and_is_symmetric(double x, double expected)
    {
        Assert.Equal(expected, NormalDistribution.Cdf(x), 1e-14);
        Assert.Equal(1 - expected, NormalDistribution.Cdf(-x), 1e-14);
    }

    [Fact]
    public void Stays_accurate_far_in_the_tail()
    {
        // Φ(−10) = 7.61985302416e−24, to about eight significant digits, where 1 − Φ(10) computed naively would be 0.
        Assert.Equal(7.61985302416e-24, NormalDistribution.Cdf(-10), 1e-31);
        Assert.Equal(0, NormalDistribution.Cdf(double.NegativeInfinity));
        Assert.Equal(1, NormalDistribution.Cdf(double.PositiveInfinity));
    }
}
