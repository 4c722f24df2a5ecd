using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace GameBackend.Core.Common;

/// <summary>
/// Random secrets and their hashes. Keys and tokens here are 32 random bytes, so a single SHA-256 is
/// enough to store them: guessing is hopeless and a slow hash would only cost every request.
/// </summary>
internal static class Secrets
{
    /// <summary><paramref name="byteCount"/> random bytes as unpadded base64url.</summary>
    public static string RandomBase64Url(int byteCount)
    {
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>SHA-256 of the UTF-8 text, as unpadded base64url.</summary>
    public static string Sha256Base64Url(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>Compares two strings' UTF-8 bytes in time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
