using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GameBackend.Core.Common;

namespace GameBackend.Core.Profiles;

/// <summary>
/// What a profile may hold. Profiles are shown to other players, so names are limited to characters that
/// render predictably (no control or invisible format characters), and metadata is bounded so one
/// profile cannot bloat every read of it.
/// </summary>
public static class ProfileRules
{
    public const int MaxDisplayNameLength = 32;
    public const int MaxAvatarUrlLength = 512;
    public const int MaxLocaleLength = 35;
    public const int MaxMetadataBytes = 4096;
    public const int MaxMetadataDepth = 8;

    /// <summary>The trimmed display name: 1–32 characters (code points) of letters, digits, spaces and . _ -.</summary>
    public static Result<string> NormalizeDisplayName(string displayName)
    {
        var invalid = Error.Validation(ErrorCodes.InvalidDisplayName,
            $"A display name is 1–{MaxDisplayNameLength} letters, digits, spaces, dots, underscores or hyphens.");
        var trimmed = displayName?.Trim() ?? string.Empty;
        var count = 0;
        foreach (var rune in trimmed.EnumerateRunes())
        {
            count++;
            var allowed = Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value is ' ' or '.' or '_' or '-'
                // Combining marks are part of letters in many scripts (Devanagari, Thai), but never lead a name.
                || (count > 1 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);
            if (!allowed || count > MaxDisplayNameLength)
            {
                return invalid;
            }
        }

        return count == 0 ? invalid : trimmed;
    }

    /// <summary>The case-folded form two names are compared by for uniqueness.</summary>
    public static string DisplayNameKey(string normalizedDisplayName) => normalizedDisplayName.ToLowerInvariant();

    /// <summary>An absolute http(s) URL, or null when <paramref name="avatarUrl"/> is empty (clears it).</summary>
    public static Result<string?> NormalizeAvatarUrl(string avatarUrl)
    {
        var trimmed = avatarUrl?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return Result<string?>.Success(null);
        }

        if (trimmed.Length > MaxAvatarUrlLength
            || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return Error.Validation(ErrorCodes.InvalidAvatarUrl, $"An avatar URL is an absolute http(s) URL of at most {MaxAvatarUrlLength} characters.");
        }

        return trimmed;
    }

    /// <summary>A BCP 47-shaped tag ("en", "pt-BR", "zh-Hant-TW"), or null when empty (clears it).</summary>
    public static Result<string?> NormalizeLocale(string locale)
    {
        var trimmed = locale?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return Result<string?>.Success(null);
        }

        var subtags = trimmed.Split('-');
        var valid = trimmed.Length <= MaxLocaleLength
            && subtags[0].Length is >= 2 and <= 8 && subtags[0].All(char.IsAsciiLetter)
            && subtags.Skip(1).All(s => s.Length is >= 1 and <= 8 && s.All(char.IsAsciiLetterOrDigit));
        return valid
            ? trimmed
            : Error.Validation(ErrorCodes.InvalidLocale, $"A locale is a BCP 47 language tag such as \"en\" or \"pt-BR\", at most {MaxLocaleLength} characters.");
    }

    /// <summary>The metadata re-serialized compactly (what is stored and measured), if it is a small, shallow JSON object.</summary>
    public static Result<JsonElement> NormalizeMetadata(JsonElement metadata)
    {
        var invalid = Error.Validation(ErrorCodes.InvalidMetadata,
            $"Metadata is a JSON object of at most {MaxMetadataBytes} bytes, nested at most {MaxMetadataDepth} deep.");
        if (metadata.ValueKind != JsonValueKind.Object || DepthOf(metadata) > MaxMetadataDepth)
        {
            return invalid;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            metadata.WriteTo(writer);
        }

        if (buffer.WrittenCount > MaxMetadataBytes)
        {
            return invalid;
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static int DepthOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => DepthOf(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(DepthOf).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
