using Microsoft.Extensions.Primitives;

namespace GameBackend.Api.Infrastructure;

/// <summary>Item versions as HTTP entity tags: the version, quoted (strong).</summary>
public static class EntityTags
{
    public static string Format(string version) => string.Concat("\"", version, "\"");

    /// <summary>
    /// One entity tag, quoted or bare, becomes the expected version; none or <c>*</c> means unconditional.
    /// Lists and weak tags are refused: a conditional write needs exactly one strong version.
    /// </summary>
    public static bool TryParseIfMatch(StringValues header, out string? expectedVersion)
    {
        expectedVersion = null;
        if (header.Count == 0)
        {
            return true;
        }

        if (header.Count > 1)
        {
            return false;
        }

        var value = header[0].AsSpan().Trim();
        if (value.IsEmpty || value.SequenceEqual("*"))
        {
            return true;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal) || value.Contains(','))
        {
            return false;
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }

        if (value.IsEmpty || value.Contains('"'))
        {
            return false;
        }

        expectedVersion = value.ToString();
        return true;
    }
}
