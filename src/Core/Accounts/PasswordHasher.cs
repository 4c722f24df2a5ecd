using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace GameBackend.Core.Accounts;

/// <summary>Argon2id cost parameters. Memory (KiB per hash) is the main defence against GPU cracking.</summary>
public sealed record PasswordHashParameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>OWASP's current minimum for Argon2id: 19 MiB, 2 passes, 1 lane.</summary>
    public static readonly PasswordHashParameters Owasp = new(19456, 2, 1);
}

/// <summary>How a password verification ended.</summary>
public enum PasswordVerification
{
    Failed,
    Succeeded,

    /// <summary>The password is right but was hashed with other parameters; store a fresh hash.</summary>
    SucceededRehashNeeded,
}

/// <summary>
/// Hashes passwords with Argon2id and stores them as PHC strings
/// (<c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>), so the parameters travel with each hash and can be
/// raised later without breaking existing accounts: verification uses the stored parameters.
/// </summary>
public sealed class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Prefix = "$argon2id$v=19$";

    /// <summary>Refuses stored parameters beyond these, so a corrupted or planted hash cannot make a sign-in exhaust the host.</summary>
    private const int MaxMemoryKiB = 1024 * 1024;
    private const int MaxIterations = 64;
    private const int MaxParallelism = 64;

    private readonly Lazy<string> _dummyHash;

    /// <summary>
    /// Bounds how many hashes run at once. Each one holds <see cref="PasswordHashParameters.MemoryKiB"/> of memory
    /// and a core for tens of milliseconds, so a burst of password sign-ins must queue (asynchronously, holding
    /// no thread) instead of exhausting the host's memory and thread pool.
    /// </summary>
    private readonly SemaphoreSlim _gate;
    private int _inFlight;
    private int _peakInFlight;

    public PasswordHasher()
        : this(PasswordHashParameters.Owasp)
    {
    }

    /// <param name="parameters">The cost of new hashes; tests may pass cheaper ones.</param>
    /// <param name="maxConcurrentHashes">How many hashes may run at once; by default one per core.</param>
    public PasswordHasher(PasswordHashParameters parameters, int maxConcurrentHashes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrentHashes);
        var slots = maxConcurrentHashes > 0 ? maxConcurrentHashes : Math.Max(1, Environment.ProcessorCount);
        _gate = new SemaphoreSlim(slots, slots);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.Parallelism, MaxParallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.Iterations, MaxIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.MemoryKiB, 8 * parameters.Parallelism);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parameters.MemoryKiB, MaxMemoryKiB);
        Parameters = parameters;
        _dummyHash = new Lazy<string>(() => Hash("not a password anyone has: " + Guid.NewGuid()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public PasswordHashParameters Parameters { get; }

    /// <summary>The most hashes seen running at once; lets tests prove the bound holds.</summary>
    internal int PeakConcurrency => Volatile.Read(ref _peakInFlight);

    /// <summary><see cref="Hash"/>, waiting for a free slot first.</summary>
    public Task<string> HashAsync(string password, CancellationToken ct = default) => RunGatedAsync(() => Hash(password), ct);

    /// <summary><see cref="Verify"/>, waiting for a free slot first.</summary>
    public Task<PasswordVerification> VerifyAsync(string password, string phcHash, CancellationToken ct = default) =>
        RunGatedAsync(() => Verify(password, phcHash), ct);

    /// <summary><see cref="VerifyDummy"/>, waiting for a free slot first (so it costs what a real verification costs, queue included).</summary>
    public Task VerifyDummyAsync(string password, CancellationToken ct = default) =>
        RunGatedAsync(() => { VerifyDummy(password); return true; }, ct);

    /// <summary>A PHC string with a fresh random salt.</summary>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, Parameters, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}m={Parameters.MemoryKiB},t={Parameters.Iterations},p={Parameters.Parallelism}${EncodeBase64(salt)}${EncodeBase64(hash)}");
    }

    /// <summary>Verifies with the parameters stored in <paramref name="phcHash"/>; compares in constant time.</summary>
    public PasswordVerification Verify(string password, string phcHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(phcHash, out var parameters, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }

        var actual = Compute(password, salt, parameters, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }

        return parameters == Parameters && salt.Length == SaltBytes && expected.Length == HashBytes
            ? PasswordVerification.Succeeded
            : PasswordVerification.SucceededRehashNeeded;
    }

    /// <summary>
    /// Spends what a real verification costs and fails. Called when there is no account to verify against,
    /// so an unknown email takes as long as a wrong password and timing reveals nothing.
    /// </summary>
    public void VerifyDummy(string password) => _ = Verify(password ?? string.Empty, _dummyHash.Value);

    private async Task<T> RunGatedAsync<T>(Func<T> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = Interlocked.Increment(ref _inFlight);
            var peak = Volatile.Read(ref _peakInFlight);
            while (now > peak && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak)
            {
                peak = Volatile.Read(ref _peakInFlight);
            }

            return work();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _gate.Release();
        }
    }

    private static byte[] Compute(string password, byte[] salt, PasswordHashParameters parameters, int length)
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = parameters.MemoryKiB,
            Iterations = parameters.Iterations,
            DegreeOfParallelism = parameters.Parallelism,
        };
        return argon2.GetBytes(length);
    }

    private static bool TryParse(string? phc, out PasswordHashParameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = PasswordHashParameters.Owasp;
        salt = hash = [];
        if (phc is null || !phc.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = phc[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        int? memory = null, iterations = null, parallelism = null;
        foreach (var pair in parts[0].Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !int.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            switch (pair[..eq])
            {
                case "m": memory = value; break;
                case "t": iterations = value; break;
                case "p": parallelism = value; break;
                default: return false;
            }
        }

        if (memory is not { } m || iterations is not { } t || parallelism is not { } p
            || p is < 1 or > MaxParallelism || t is < 1 or > MaxIterations || m < 8 * p || m > MaxMemoryKiB
            || !TryDecodeBase64(parts[1], out salt) || !TryDecodeBase64(parts[2], out hash)
            || salt.Length < 8 || hash.Length < 16)
        {
            return false;
        }

        parameters = new PasswordHashParameters(m, t, p);
        return true;
    }

    /// <summary>PHC strings use standard base64 without padding.</summary>
    private static string EncodeBase64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        bytes = new byte[padded.Length * 3 / 4];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
