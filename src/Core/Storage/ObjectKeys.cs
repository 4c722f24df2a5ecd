using System.Text;

namespace GameBackend.Core.Storage;

/// <summary>
/// The one key rule of <see cref="Analytics.IObjectStore"/>, enforced by every store (folder, S3, Blob Storage) so a key
/// that works on a laptop works in every cloud, no key can leave a folder store's root, and no archived object is one
/// the query engines skip:
/// <list type="bullet">
/// <item>1 to <see cref="MaxUtf8Bytes"/> bytes of UTF-8 (the S3 and Blob Storage limit), '/'-separated segments;</item>
/// <item>no empty segment (so no leading, trailing or doubled '/'), no segment starting with '.' or '_' (Hive, Athena,
/// Spark and BigQuery treat such files and folders as hidden and silently skip them; it also rules out '.' and '..'),
/// no segment ending with '.' (Blob Storage and Windows drop trailing dots), no segment over
/// <see cref="MaxSegmentUtf8Bytes"/> bytes (the file-name limit of most file systems);</item>
/// <item>no backslash, no control character, no unpaired surrogate.</item>
/// </list>
/// A bad key is a programming error, so stores throw <see cref="ArgumentException"/> for it.
/// </summary>
public static class ObjectKeys
{
    public const int MaxUtf8Bytes = 1024;
    public const int MaxSegmentUtf8Bytes = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when <paramref name="key"/> is a valid key, otherwise why it is not.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "a key must not be empty";
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            return "a key must be valid UTF-16 (it has an unpaired surrogate)";
        }

        if (bytes > MaxUtf8Bytes)
        {
            return $"a key has at most {MaxUtf8Bytes} bytes of UTF-8 (this one has {bytes})";
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "a key has no empty segment (no leading, trailing or doubled '/')";
            }

            if (segment[0] is '.' or '_')
            {
                return $"no segment of a key starts with '.' or '_' (\"{segment}\"): query engines skip such files, and '..' could leave a folder";
            }

            if (segment[^1] == '.')
            {
                return $"no segment of a key ends with '.' (\"{segment}\")";
            }

            if (StrictUtf8.GetByteCount(segment) > MaxSegmentUtf8Bytes)
            {
                return $"no segment of a key has more than {MaxSegmentUtf8Bytes} bytes of UTF-8";
            }

            foreach (var c in segment)
            {
                if (c == '\\' || char.IsControl(c))
                {
                    return "a key has no backslash and no control character";
                }
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a valid key.</summary>
    public static void Validate(string key, string parameterName)
    {
        if (Problem(key) is { } problem)
        {
            throw new ArgumentException($"Invalid object key \"{key}\": {problem}.", parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="prefix"/> can start a valid key: empty (every key),
    /// or such that the prefix followed by a letter is a valid key ("events/", "events/title=", "events/title=t/date=2026").
    /// </summary>
    public static void ValidatePrefix(string prefix, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        if (prefix.Length > 0 && Problem(prefix + "a") is { } problem)
        {
            throw new ArgumentException($"Invalid object key prefix \"{prefix}\": {problem}.", parameterName);
        }
    }
}
