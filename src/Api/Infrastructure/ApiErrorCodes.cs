namespace GameBackend.Api.Infrastructure;

/// <summary>
/// Codes the HTTP layer itself answers with (Core's codes are in <c>GameBackend.Core.Common.ErrorCodes</c>).
/// Stable once shipped; docs/errors.md lists them all.
/// </summary>
public static class ApiErrorCodes
{
    /// <summary>400: the body is not valid JSON, has a wrong type, a null where a value is needed, or is missing.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>400: the body has a member the API does not know.</summary>
    public const string UnknownField = "unknown_field";
    /// <summary>400: the body lacks a required member.</summary>
    public const string MissingField = "missing_field";
    /// <summary>400: a request the HTTP layer could not read (bad header value, malformed framing).</summary>
    public const string InvalidRequest = "invalid_request";
    /// <summary>400: the sign-in method of an unlink is not device, email or custom.</summary>
    public const string InvalidSignInMethod = "invalid_sign_in_method";
    /// <summary>400: If-Match is not one entity tag.</summary>
    public const string InvalidIfMatch = "invalid_if_match";
    /// <summary>400: If-None-Match is not * or is combined with If-Match.</summary>
    public const string InvalidIfNoneMatch = "invalid_if_none_match";
    /// <summary>400: a continuation token that this query did not hand out.</summary>
    public const string InvalidContinuationToken = "invalid_continuation_token";
    /// <summary>400: an account deletion without the body {"confirm":"DELETE"}.</summary>
    public const string DeletionNotConfirmed = "deletion_not_confirmed";
    /// <summary>404: no route has this path.</summary>
    public const string NotFound = "not_found";
    /// <summary>405: the route exists but not with this method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>413: the body is larger than GameBackend:Api:MaxRequestBodyBytes.</summary>
    public const string RequestTooLarge = "request_too_large";
    /// <summary>415: the body is not application/json.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
    /// <summary>429: a rate limit was hit; Retry-After says when to try again.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>503: the store did not answer the readiness probe.</summary>
    public const string NotReady = "not_ready";
    /// <summary>500: a bug. Nothing about it is in the response; the log has it under the traceId.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The code a bare status (one no handler described) gets.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => "unauthorized",
        403 => "forbidden",
        404 => NotFound,
        405 => MethodNotAllowed,
        408 => "request_timeout",
        413 => RequestTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        431 => "request_headers_too_large",
        503 => "unavailable",
        >= 500 => InternalError,
        _ => InvalidRequest,
    };
}
