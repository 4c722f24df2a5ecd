using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Text;

namespace GameBackend.Core.Analytics;

/// <summary>
/// A mergeable distinct count (DAU, new players, retention cohorts; merged for WAU and MAU). Exact while small: a set of
/// 64-bit hashes (XxHash64 of the player id), so a day with a few hundred players reports their number exactly. Once the
/// set would take more bytes than the registers, it turns into a HyperLogLog of 2^14 six-bit registers (12 KiB stored,
/// standard error 1.04/√16384 = 0.81%), estimated with Ertl's improved raw estimator ("New cardinality estimation
/// algorithms for HyperLogLog sketches", 2017), which needs no empirical bias tables and is unbiased from a few players
/// to billions. Written by hand because no served NuGet package offers a HyperLogLog with a stable, storable layout.
/// </summary>
/// <remarks>
/// Stored form (<see cref="ToBytes"/>): a format byte, then either the sorted hashes (8 bytes each, little endian) or the
/// 16,384 registers packed 6 bits each. Both forms are at most <see cref="MaxStoredBytes"/>, so a rollup item's size is
/// bounded whatever the traffic. Not thread-safe; a rollup owns its sketches for the length of one transaction.
/// </remarks>
public sealed class DistinctCountSketch
{
    /// <summary>Register index bits.</summary>
    public const int Precision = 14;

    /// <summary>Number of registers.</summary>
    public const int RegisterCount = 1 << Precision;

    /// <summary>1.04 / √m: the relative standard error of the estimate once the sketch holds registers.</summary>
    public static readonly double StandardError = 1.04 / Math.Sqrt(RegisterCount);

    private const int RegisterBits = 6;
    private const int PackedRegisterBytes = RegisterCount * RegisterBits / 8;
    private const int MaxRank = 64 - Precision + 1;

    /// <summary>Hashes kept exactly before switching to registers: the point where they would take more room than the registers.</summary>
    public const int MaxExactHashes = PackedRegisterBytes / sizeof(ulong);

    /// <summary>The largest <see cref="ToBytes"/> result.</summary>
    public const int MaxStoredBytes = 1 + PackedRegisterBytes;

    private const byte ExactFormat = 1;
    private const byte DenseFormat = 2;

    private HashSet<ulong>? _exact = [];
    private byte[]? _registers;

    /// <summary>True while the count is exact (the sketch still holds every hash).</summary>
    public bool IsExact => _exact is not null;

    /// <summary>The hash of a player id, as added.</summary>
    public static ulong Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length <= 512)
        {
            Span<byte> buffer = stackalloc byte[length];
            var written = Encoding.UTF8.GetBytes(value, buffer);
            return XxHash64.HashToUInt64(buffer[..written]);
        }

        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(value));
    }

    public void Add(string value) => AddHash(Hash(value));

    public void AddHash(ulong hash)
    {
        if (_exact is not null)
        {
            if (_exact.Add(hash) && _exact.Count > MaxExactHashes)
            {
                ToRegisters();
            }

            return;
        }

        AddToRegisters(_registers!, hash);
    }

    /// <summary>Adds every element of <paramref name="other"/> (a union); <paramref name="other"/> is unchanged.</summary>
    public void Merge(DistinctCountSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._exact is not null)
        {
            foreach (var hash in other._exact)
            {
                AddHash(hash);
            }

            return;
        }

        if (_exact is not null)
        {
            ToRegisters();
        }

        var mine = _registers!;
        var theirs = other._registers!;
        for (var i = 0; i < mine.Length; i++)
        {
            if (theirs[i] > mine[i])
            {
                mine[i] = theirs[i];
            }
        }
    }

    /// <summary>The number of distinct values added: exact while <see cref="IsExact"/>, else within ±0.81% (one standard error).</summary>
    public long Estimate()
    {
        if (_exact is not null)
        {
            return _exact.Count;
        }

        Span<int> histogram = stackalloc int[MaxRank + 1];
        foreach (var register in _registers!)
        {
            histogram[register]++;
        }

        const double m = RegisterCount;
        var z = m * Tau(1 - (histogram[MaxRank] / m));
        for (var k = MaxRank - 1; k >= 1; k--)
        {
            z = 0.5 * (z + histogram[k]);
        }

        z += m * Sigma(histogram[0] / m);
        var alphaInfinity = 0.5 / Math.Log(2);
        return (long)Math.Round(alphaInfinity * m * m / z);
    }

    public byte[] ToBytes()
    {
        if (_exact is not null)
        {
            var hashes = _exact.ToArray();
            Array.Sort(hashes);
            var bytes = new byte[1 + (hashes.Length * sizeof(ulong))];
            bytes[0] = ExactFormat;
            for (var i = 0; i < hashes.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1 + (i * sizeof(ulong))), hashes[i]);
            }

            return bytes;
        }

        var packed = new byte[MaxStoredBytes];
        packed[0] = DenseFormat;
        var registers = _registers!;
        for (int i = 0, o = 1; i < registers.Length; i += 4, o += 3)
        {
            // Four 6-bit registers in three bytes.
            var word = registers[i] | (registers[i + 1] << 6) | (registers[i + 2] << 12) | (registers[i + 3] << 18);
            packed[o] = (byte)word;
            packed[o + 1] = (byte)(word >> 8);
            packed[o + 2] = (byte)(word >> 16);
        }

        return packed;
    }

    /// <summary>Reads <see cref="ToBytes"/>'s form; null or empty is an empty sketch. Throws <see cref="FormatException"/> on anything else.</summary>
    public static DistinctCountSketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var sketch = new DistinctCountSketch();
        if (bytes.IsEmpty)
        {
            return sketch;
        }

        switch (bytes[0])
        {
            case ExactFormat when (bytes.Length - 1) % sizeof(ulong) == 0 && (bytes.Length - 1) / sizeof(ulong) <= MaxExactHashes:
                var exact = sketch._exact!;
                exact.EnsureCapacity((bytes.Length - 1) / sizeof(ulong));
                for (var o = 1; o < bytes.Length; o += sizeof(ulong))
                {
                    exact.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes[o..]));
                }

                return sketch;
            case DenseFormat when bytes.Length == MaxStoredBytes:
                var registers = new byte[RegisterCount];
                for (int i = 0, o = 1; i < registers.Length; i += 4, o += 3)
                {
                    var word = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16);
                    registers[i] = (byte)(word & 0x3F);
                    registers[i + 1] = (byte)((word >> 6) & 0x3F);
                    registers[i + 2] = (byte)((word >> 12) & 0x3F);
                    registers[i + 3] = (byte)((word >> 18) & 0x3F);
                }

                if (registers.AsSpan().IndexOfAnyInRange((byte)(MaxRank + 1), byte.MaxValue) >= 0)
                {
                    throw new FormatException("A distinct-count register is out of range.");
                }

                sketch._exact = null;
                sketch._registers = registers;
                return sketch;
            default:
                throw new FormatException("Not a distinct-count sketch.");
        }
    }

    private void ToRegisters()
    {
        var registers = new byte[RegisterCount];
        foreach (var hash in _exact!)
        {
            AddToRegisters(registers, hash);
        }

        _registers = registers;
        _exact = null;
    }

    private static void AddToRegisters(byte[] registers, ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));
        var rest = hash << Precision;
        var rank = rest == 0 ? MaxRank : BitOperations.LeadingZeroCount(rest) + 1;
        if (rank > registers[index])
        {
            registers[index] = (byte)rank;
        }
    }

    private static double Sigma(double x)
    {
        if (x == 1)
        {
            return double.PositiveInfinity;
        }

        double y = 1, z = x, previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (z != previous);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0 || x == 1)
        {
            return 0;
        }

        double y = 1, z = 1 - x, previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        }
        while (z != previous);
        return z / 3;
    }
}
