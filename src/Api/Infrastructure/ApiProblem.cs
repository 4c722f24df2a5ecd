using System.Diagnostics;
using System.Text.Json;
using GameBackend.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// An RFC 9457 problem document with the stable <c>code</c> extension clients branch on. Every error of
/// the API, whether a domain <see cref="Error"/>, a malformed request or an unknown route, leaves through
/// this one type so the shape never drifts. It writes its JSON directly (no reflection, no dictionary of
/// objects), which keeps it AOT-clean and cheap on the paths that fail often (401, 429).
/// </summary>
public sealed class ApiProblem : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string MediaType = "application/problem+json";
    public const string TypeBase = "https://gamebackend.dev/errors/";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public ApiProblem(int status, string code, string? detail, IReadOnlyDictionary<string, string>? details = null)
    {
        Status = status;
        Code = code;
        Detail = detail;
        Details = details;
    }

    public int Status { get; }

    /// <summary>Stable snake_case code; see docs/errors.md.</summary>
    public string Code { get; }

    public string? Detail { get; }

    /// <summary>Extra members (for example <c>currentVersion</c>), written as string extensions.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; }

    /// <summary>Sent as the Retry-After header (whole seconds, rounded up) when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Writes extension members that are not strings (for example the per-event errors of a telemetry batch), after
    /// the standard members and <see cref="Details"/>; it must write complete, uniquely named properties.
    /// </summary>
    public Action<Utf8JsonWriter>? WriteExtensions { get; init; }

    /// <summary>Adds <c>WWW-Authenticate: Bearer</c> (RFC 6750) on 401s of bearer-protected routes.</summary>
    public bool BearerChallenge { get; init; }

    int? IStatusCodeHttpResult.StatusCode => Status;

    string? IContentTypeHttpResult.ContentType => MediaType;

    /// <summary>Maps a domain error once: the kind decides the status, the code and details pass through.</summary>
    public static ApiProblem From(Error error) => new(StatusOf(error.Kind), error.Code, error.Message, error.Details);

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return WriteAsync(httpContext);
    }

    /// <summary>Writes the document, replacing whatever status and headers the response had so far.</summary>
    public async Task WriteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = MediaType;
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        if (RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (BearerChallenge && Status == StatusCodes.Status401Unauthorized)
        {
            headers.WWWAuthenticate = string.IsNullOrEmpty(httpContext.Request.Headers.Authorization)
                ? "Bearer"
                : "Bearer error=\"invalid_token\"";
        }

        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, TypeBase + Code);
            writer.WriteString("title"u8, ReasonPhrases.GetReasonPhrase(Status));
            writer.WriteNumber("status"u8, Status);
            if (Detail is not null)
            {
                writer.WriteString("detail"u8, Detail);
            }

            writer.WriteString("instance"u8, httpContext.Request.Path.Value);
            writer.WriteString("code"u8, Code);
            writer.WriteString("traceId"u8, Activity.Current?.Id ?? httpContext.TraceIdentifier);
            if (Details is not null)
            {
                foreach (var (key, value) in Details)
                {
                    if (!IsReserved(key))
                    {
                        writer.WriteString(key, value);
                    }
                }
            }

            WriteExtensions?.Invoke(writer);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    private static bool IsReserved(string key) =>
        key is "type" or "title" or "status" or "detail" or "instance" or "code" or "traceId";
}

/// <summary>
/// The shape <see cref="ApiProblem"/> writes, for the OpenAPI document only (the writer does not use it).
/// Members of the error's details (for example <c>currentVersion</c>, <c>until</c>) appear as extra string members.
/// </summary>
public sealed record ProblemDocument(string Type, string Title, int Status, string? Detail, string Instance, string Code, string TraceId);
