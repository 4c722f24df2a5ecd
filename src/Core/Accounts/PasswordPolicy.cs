using System.Collections.Frozen;
using GameBackend.Core.Common;

namespace GameBackend.Core.Accounts;

/// <summary>
/// NIST SP 800-63B's rules for chosen passwords: a length range counted in Unicode code points, no
/// composition rules, and a check against passwords attackers try first. Longer lists belong to a
/// breached-password service; this built-in one stops the most common choices at no cost.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    /// <summary>The most common passwords of at least <see cref="MinLength"/> characters (compared case-insensitively).</summary>
    private static readonly FrozenSet<string> CommonPasswords = new[]
    {
        "password", "password1", "password12", "password123", "password1234", "password!", "password1!",
        "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word", "12345678", "123456789", "1234567890", "12345678910",
        "87654321", "987654321", "0987654321", "11111111", "111111111", "1111111111", "00000000", "000000000",
        "12341234", "11223344", "123123123", "123321123", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4",
        "q1w2e3r4t5", "1qaz2wsx", "1qaz2wsx3edc", "zaq12wsx", "zaq1zaq1", "qwertyui", "qwertyuiop", "qwerty12",
        "qwerty123", "qwerty1234", "qwe12345", "qweasdzxc", "123qweasd", "123qweasdzxc", "asdfghjk", "asdfghjkl",
        "asdf1234", "zxcvbnm1", "zxcvbnm123", "abcd1234", "abc12345", "abc123456", "aa123456", "a1234567",
        "iloveyou", "iloveyou1", "iloveyou2", "sunshine", "sunshine1", "princess", "princess1", "football",
        "football1", "baseball", "baseball1", "basketball", "superman", "batman123", "starwars", "whatever",
        "trustno1", "letmein1", "letmein123", "welcome1", "welcome123", "admin123", "administrator", "computer",
        "michelle", "jennifer", "jessica1", "charlie1", "corvette", "mercedes", "liverpool", "chelsea1",
        "arsenal1", "pokemon1", "minecraft", "fortnite", "dragon12", "monkey12", "master12", "shadow12",
        "1234qwer", "qazwsxedc", "changeme", "changeme1", "default1", "secret12", "loveyou1", "flower12",
        "hello123", "freedom1", "internet", "samsung1", "google123", "q1w2e3r4t5y6", "azertyuiop", "unknown1",
        "blink182", "88888888", "66666666", "99999999", "12344321", "147258369", "789456123", "159753456",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Null when the password may be used, else the first rule it breaks.</summary>
    public static Error? Check(string? password, string normalizedEmail)
    {
        password ??= string.Empty;
        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            return Error.Validation(ErrorCodes.PasswordTooShort, $"A password has at least {MinLength} characters.");
        }

        if (length > MaxLength)
        {
            return Error.Validation(ErrorCodes.PasswordTooLong, $"A password has at most {MaxLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(password))
        {
            return Error.Validation(ErrorCodes.PasswordBlank, "A password is not only whitespace.");
        }

        if (string.Equals(password.Trim(), normalizedEmail, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Validation(ErrorCodes.PasswordSameAsEmail, "A password is not the email address.");
        }

        if (CommonPasswords.Contains(password.ToLowerInvariant()))
        {
            return Error.Validation(ErrorCodes.PasswordTooCommon, "This password is among the most common ones; choose another.");
        }

        return null;
    }
}
