using System;

namespace GameBackend.Client.Http;

/// <summary>Escapes a value for one path segment or query value, so an id can never change the route.</summary>
internal static class PathSegment
{
    public static string Of(string value) => Uri.EscapeDataString(value);
}
