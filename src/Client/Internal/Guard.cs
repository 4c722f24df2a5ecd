using System;

namespace GameBackend.Client.Internal;

/// <summary>Argument checks that compile on both targets (netstandard2.1 lacks the ThrowIf helpers).</summary>
internal static class Guard
{
    public static void NotNull(object? value, string name)
    {
#if NET
        ArgumentNullException.ThrowIfNull(value, name);
#else
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }
#endif
    }

    public static void NotEmpty(string? value, string name)
    {
#if NET
        ArgumentException.ThrowIfNullOrEmpty(value, name);
#else
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }

        if (value.Length == 0)
        {
            throw new ArgumentException("The value cannot be empty.", name);
        }
#endif
    }
}
