using System.Buffers;
using System.Text.Json;
using GameBackend.Core.Common;

namespace GameBackend.Core.PlayerData;

/// <summary>
/// What names and values may be. Names become part of store sort keys and URLs, so they are limited to
/// characters that need no escaping anywhere and cannot hold the "/" that separates collection and key.
/// </summary>
public static class PlayerStorageRules
{
    public const int MaxNameLength = 64;
    public const int DefaultPageLimit = 25;
    public const int MaxPageLimit = 100;

    /// <summary>True for 1–64 characters of [A-Za-z0-9_.-].</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"invalid_storage_name" unless both the collection and the key are valid names.</summary>
    public static Error? ValidateNames(string? collection, string? key) =>
        IsValidName(collection) && (key is null || IsValidName(key))
            ? null
            : Error.Validation(ErrorCodes.InvalidStorageName, $"Collection and key names are 1–{MaxNameLength} characters of A–Z, a–z, 0–9, '_', '.' and '-'.");

    /// <summary>The value re-serialized compactly (what is stored and measured), if it is a JSON object within the limits.</summary>
    public static Result<(JsonElement Value, int SizeBytes)> NormalizeValue(JsonElement value, PlayerStorageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var invalid = Error.Validation(ErrorCodes.InvalidStorageValue,
            $"A stored value is a JSON object of at most {limits.MaxValueBytes} bytes, nested at most {limits.MaxValueDepth} deep.");
        if (value.ValueKind != JsonValueKind.Object || DepthOf(value, 1, limits.MaxValueDepth) > limits.MaxValueDepth)
        {
            return invalid;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        if (buffer.WrittenCount > limits.MaxValueBytes)
        {
            return invalid;
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (document.RootElement.Clone(), buffer.WrittenCount);
    }

    /// <summary>The nesting depth, stopping early once it is past <paramref name="max"/> (a hostile value may be wide and deep).</summary>
    private static int DepthOf(JsonElement element, int depth, int max)
    {
        if (depth > max)
        {
            return depth;
        }

        var deepest = depth;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        deepest = Math.Max(deepest, DepthOf(property.Value, depth + 1, max));
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        deepest = Math.Max(deepest, DepthOf(item, depth + 1, max));
                    }
                }

                break;
        }

        return deepest;
    }
}
