namespace GameBackend.Core.Ratings;

/// <summary>
/// The standard normal distribution function Φ, which the BCL lacks (there is no Math.Erf). Hart's rational approximation
/// as given by Graeme West, "Better approximations to cumulative normal functions" (Wilmott, 2005): accurate to double
/// precision in absolute terms across the range (relative error about 1e-8 far in the tails), with no table and no iteration.
/// </summary>
internal static class NormalDistribution
{
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var z = Math.Abs(x);
        double tail;
        if (z > 37)
        {
            tail = 0;
        }
        else
        {
            var exponential = Math.Exp(-z * z / 2);
            if (z < 7.07106781186547)
            {
                var numerator = (0.0352624965998911 * z) + 0.700383064443688;
                numerator = (numerator * z) + 6.37396220353165;
                numerator = (numerator * z) + 33.912866078383;
                numerator = (numerator * z) + 112.079291497871;
                numerator = (numerator * z) + 221.213596169931;
                numerator = (numerator * z) + 220.206867912376;
                var denominator = (0.0883883476483184 * z) + 1.75566716318264;
                denominator = (denominator * z) + 16.064177579207;
                denominator = (denominator * z) + 86.7807322029461;
                denominator = (denominator * z) + 296.564248779674;
                denominator = (denominator * z) + 637.333633378831;
                denominator = (denominator * z) + 793.826512519948;
                denominator = (denominator * z) + 440.413735824752;
                tail = exponential * numerator / denominator;
            }
            else
            {
                var fraction = z + 0.65;
                fraction = z + (4 / fraction);
                fraction = z + (3 / fraction);
                fraction = z + (2 / fraction);
                fraction = z + (1 / fraction);
                tail = exponential / fraction / 2.506628274631;
            }
        }

        return x > 0 ? 1 - tail : tail;
    }
}
