using System;
using System.Collections.Generic;

namespace GameBackend.Client;

/// <summary>
/// A failed call: the backend's RFC 9457 problem document (see docs/errors.md), or a transport failure.
/// Games branch on <see cref="Code"/>, which never changes once shipped; <see cref="Exception.Message"/> and
/// <see cref="Detail"/> are for people and may change. One exception type (not one per code) keeps a game's
/// error handling to one <c>catch</c> with a <c>switch</c> on the code, and lets codes added later flow through.
/// </summary>
public class GameBackendException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoExtensions = new Dictionary<string, string>();

    public GameBackendException()
        : this(0, ErrorCodes.NetworkError, null)
    {
    }

    public GameBackendException(string message)
        : base(message)
    {
        Code = ErrorCodes.NetworkError;
        Extensions = NoExtensions;
    }

    public GameBackendException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.NetworkError;
        Extensions = NoExtensions;
    }

    public GameBackendException(
        int status,
        string code,
        string? detail,
        IReadOnlyDictionary<string, string>? extensions = null,
        TimeSpan? retryAfter = null,
        string? traceId = null,
        Exception? innerException = null)
        : base(FormatMessage(status, code, detail), innerException)
    {
        Status = status;
        Code = code;
        Detail = detail;
        Extensions = extensions ?? NoExtensions;
        RetryAfter = retryAfter;
        TraceId = traceId;
    }

    /// <summary>The HTTP status; 0 when no response arrived (network failure or timeout).</summary>
    public int Status { get; }

    /// <summary>The stable snake_case code, for example <c>version_conflict</c>; see <see cref="ErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The problem's human-readable detail, when it had one.</summary>
    public string? Detail { get; }

    /// <summary>
    /// The problem's other members (for example <c>currentVersion</c> on <c>version_conflict</c>, <c>until</c> on
    /// <c>account_banned</c>). String members are given as they are; any other JSON value as its JSON text.
    /// </summary>
    public IReadOnlyDictionary<string, string> Extensions { get; }

    /// <summary>How long to wait before trying again, from <c>Retry-After</c> (on 429 and 503).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The server's trace id for this request: quote it when reporting a 500.</summary>
    public string? TraceId { get; }

    /// <summary>True for failures a later identical call may not repeat: no response, 429, 503, and other 5xx.</summary>
    public bool IsTransient => Status == 0 || Status == 429 || Status >= 500;

    private static string FormatMessage(int status, string code, string? detail) =>
        status == 0
            ? $"{code}: {detail ?? "no response from the backend"}"
            : $"{status} {code}: {detail ?? "(no detail)"}";
}

/// <summary>
/// The player is signed out and must sign in again: there is no session, its refresh token was refused
/// (<c>invalid_refresh_token</c>, <c>refresh_token_reused</c>), or its session was ended elsewhere
/// (<c>session_revoked</c>). The client has already forgotten the session when this is thrown, so a game shows
/// its sign-in screen (or signs in again with the device id) rather than retrying.
/// </summary>
public sealed class GameBackendSignedOutException : GameBackendException
{
    public GameBackendSignedOutException()
        : base(401, ErrorCodes.NotSignedIn, "Sign in first.")
    {
    }

    public GameBackendSignedOutException(string message)
        : base(401, ErrorCodes.NotSignedIn, message)
    {
    }

    public GameBackendSignedOutException(string message, Exception innerException)
        : base(401, ErrorCodes.NotSignedIn, message, innerException: innerException)
    {
    }

    internal GameBackendSignedOutException(GameBackendException cause)
        : base(cause.Status, cause.Code, cause.Detail, cause.Extensions, cause.RetryAfter, cause.TraceId, cause)
    {
    }
}
