namespace GameBackend.Core.Common;

/// <summary>
/// What kind of failure an <see cref="Error"/> is. Api maps each kind to one HTTP status, once,
/// so Core never speaks HTTP and every host answers the same way.
/// </summary>
public enum ErrorKind
{
    /// <summary>The input is malformed or breaks a rule (400).</summary>
    Validation,
    /// <summary>The caller is not authenticated or its credentials are wrong (401).</summary>
    Unauthorized,
    /// <summary>The caller is known but may not do this (403).</summary>
    Forbidden,
    /// <summary>The thing does not exist, or the caller may not know that it does (404).</summary>
    NotFound,
    /// <summary>The write lost a race or would break uniqueness (409).</summary>
    Conflict,
    /// <summary>The caller is over a quota (429).</summary>
    TooManyRequests,
    /// <summary>A dependency is down; the caller may retry (503).</summary>
    Unavailable,
}

/// <summary>
/// A typed, expected domain failure. <see cref="Code"/> is stable and documented: clients branch on
/// it, so it never changes once shipped. <see cref="Message"/> is for humans and may change.
/// </summary>
public sealed record Error(ErrorKind Kind, string Code, string Message)
{
    /// <summary>Optional machine-readable details (for example the current version on a conflict).</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    public static Error Validation(string code, string message) => new(ErrorKind.Validation, code, message);
    public static Error Unauthorized(string code, string message) => new(ErrorKind.Unauthorized, code, message);
    public static Error Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);
    public static Error NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);
    public static Error Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
    public static Error TooManyRequests(string code, string message) => new(ErrorKind.TooManyRequests, code, message);
    public static Error Unavailable(string code, string message) => new(ErrorKind.Unavailable, code, message);
}
