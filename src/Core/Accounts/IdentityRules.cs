using System.Net.Mail;
using GameBackend.Core.Common;

namespace GameBackend.Core.Accounts;

/// <summary>
/// The shapes device ids, custom ids and emails must have. They become parts of storage keys, so the
/// character sets are narrow and the lengths bounded.
/// </summary>
public static class IdentityRules
{
    public const int MinDeviceIdLength = 8;
    public const int MaxDeviceIdLength = 128;
    public const int MaxCustomIdLength = 128;

    /// <summary>RFC 5321's limit on a forward path, the practical maximum of an address.</summary>
    public const int MaxEmailLength = 254;

    public static Error? CheckDeviceId(string? deviceId) =>
        deviceId is { Length: >= MinDeviceIdLength and <= MaxDeviceIdLength } && IsIdText(deviceId, "._:-")
            ? null
            : Error.Validation(ErrorCodes.InvalidDeviceId, $"A device id is {MinDeviceIdLength}–{MaxDeviceIdLength} characters of A–Z, a–z, 0–9 and . _ : -");

    public static Error? CheckCustomId(string? customId) =>
        customId is { Length: >= 1 and <= MaxCustomIdLength } && IsIdText(customId, "._:@|+-")
            ? null
            : Error.Validation(ErrorCodes.InvalidCustomId, $"A custom id is 1–{MaxCustomIdLength} characters of A–Z, a–z, 0–9 and . _ : @ | + -");

    /// <summary>The email trimmed and lowercased, so one mailbox is one identity; or a validation error.</summary>
    public static Result<string> NormalizeEmail(string? email)
    {
        var invalid = Error.Validation(ErrorCodes.InvalidEmail, "The email address is not valid.");
        var normalized = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(normalized) || normalized.Length > MaxEmailLength)
        {
            return invalid;
        }

        // MailAddress accepts display names and comments ("Ann <a@b.c>"); insisting that the parsed address is the
        // whole input rejects those, and a dot in the domain rejects intranet-only hosts.
        var at = normalized.LastIndexOf('@');
        if (!MailAddress.TryCreate(normalized, out var parsed)
            || !string.Equals(parsed.Address, normalized, StringComparison.Ordinal)
            || normalized.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || at is <= 0 or > 64
            || normalized.IndexOf('.', at) < 0
            || normalized.EndsWith('.'))
        {
            return invalid;
        }

        return normalized;
    }

    private static bool IsIdText(string text, string punctuation)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !punctuation.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
