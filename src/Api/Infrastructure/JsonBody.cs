using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GameBackend.Api.Infrastructure;

/// <summary>The body of a request, or the problem that explains why there is none.</summary>
public readonly struct BodyResult<T>
    where T : class
{
    public BodyResult(T value) => Value = value;

    public BodyResult(ApiProblem problem) => Problem = problem;

    public T? Value { get; }

    public ApiProblem? Problem { get; }
}

/// <summary>A body read as bytes, or the problem that explains why there is none.</summary>
public readonly record struct RawBody(byte[]? Bytes, ApiProblem? Problem);

/// <summary>
/// Reads JSON bodies in the handlers instead of through minimal-API binding, for three reasons: the caller
/// is authenticated (by the endpoint filters) before a byte of the body is parsed; every failure gets its
/// precise problem code (invalid_json / unknown_field / missing_field / request_too_large /
/// unsupported_media_type) instead of an empty 400; and the body is parsed straight from the request pipe
/// with the source-generated metadata, with no stream wrapper or reflection.
/// </summary>
public static class JsonBody
{
    public static async ValueTask<BodyResult<T>> ReadAsync<T>(HttpContext httpContext, JsonTypeInfo<T> typeInfo, int maxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var (read, problem) = await BufferAsync(httpContext, maxBytes);
        if (problem is not null)
        {
            return new(problem);
        }

        var buffer = read.Buffer;
        try
        {
            return Deserialize(buffer, typeInfo);
        }
        finally
        {
            httpContext.Request.BodyReader.AdvanceTo(buffer.End);
        }
    }

    /// <summary>
    /// The body as bytes, for routes that parse it themselves (a relay heartbeat's signature is over the raw bytes;
    /// telemetry is validated event by event), with the same 400 / 413 / 415 answers as <see cref="ReadAsync{T}"/>.
    /// <paramref name="maxBytes"/> may be above GameBackend:Api:MaxRequestBodyBytes: the route's own limit then
    /// replaces the API's default for this request.
    /// </summary>
    public static async ValueTask<RawBody> ReadBytesAsync(HttpContext httpContext, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (read, problem) = await BufferAsync(httpContext, maxBytes);
        if (problem is not null)
        {
            return new(null, problem);
        }

        var bytes = read.Buffer.ToArray();
        httpContext.Request.BodyReader.AdvanceTo(read.Buffer.End);
        return bytes.Length == 0
            ? new(null, new ApiProblem(400, ApiErrorCodes.InvalidJson, "A JSON body is required."))
            : new(bytes, null);
    }

    /// <summary>
    /// Buffers the whole body in the request pipe (the caller advances the reader past it), or answers why not:
    /// not JSON (415, or 400 when there is no body at all), or larger than <paramref name="maxBytes"/> (413), whether
    /// Content-Length says so or a chunked body runs over.
    /// </summary>
    private static async ValueTask<(ReadResult Read, ApiProblem? Problem)> BufferAsync(HttpContext httpContext, int maxBytes)
    {
        var request = httpContext.Request;
        var contentLength = request.ContentLength;
        if (!IsJson(request.ContentType))
        {
            return (default, contentLength == 0 || (contentLength is null && request.ContentType is null && !HasChunkedBody(request))
                ? new ApiProblem(400, ApiErrorCodes.InvalidJson, "A JSON body is required.")
                : new ApiProblem(415, ApiErrorCodes.UnsupportedMediaType, "The body must be application/json."));
        }

        if (contentLength > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize && bodySize.MaxRequestBodySize < maxBytes)
        {
            bodySize.MaxRequestBodySize = maxBytes;
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(httpContext.RequestAborted);
                if (read.Buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    return (default, TooLarge(maxBytes));
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    return (read, null);
                }

                // Not done: leave everything unconsumed and ask for more.
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own body limit, a client that lied about Content-Length, broken chunking.
            return (default, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : new ApiProblem(ex.StatusCode, ApiErrorCodes.ForStatus(ex.StatusCode), "The request body could not be read."));
        }
    }

    private static BodyResult<T> Deserialize<T>(ReadOnlySequence<byte> buffer, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (buffer.IsEmpty)
        {
            return new(new ApiProblem(400, ApiErrorCodes.InvalidJson, "A JSON body is required."));
        }

        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> json;
            if (buffer.IsSingleSegment)
            {
                json = buffer.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
                buffer.CopyTo(rented);
                json = rented.AsSpan(0, (int)buffer.Length);
            }

            var value = JsonSerializer.Deserialize(json, typeInfo);
            return value is null
                ? new(new ApiProblem(400, ApiErrorCodes.InvalidJson, "The body must be a JSON object."))
                : new(value);
        }
        catch (JsonException ex)
        {
            return new(Describe(ex));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// System.Text.Json reports unknown and missing members as plain JsonExceptions; the message is the only
    /// thing that tells them apart. Its wording is fixed by the runtime (invariant globalization), and the
    /// tests pin every case, so a runtime that rewords it fails a test rather than a client.
    /// </summary>
    internal static ApiProblem Describe(JsonException ex)
    {
        var message = ex.Message;
        var path = ex.Path;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return new ApiProblem(400, ApiErrorCodes.UnknownField, $"The body has a member this API does not know: {path ?? "?"}.", PathDetails(path));
        }

        const string missingMarker = "missing required properties including: ";
        var missingAt = message.IndexOf(missingMarker, StringComparison.Ordinal);
        if (missingAt >= 0)
        {
            var names = message[(missingAt + missingMarker.Length)..].TrimEnd('.', ' ');
            return new ApiProblem(400, ApiErrorCodes.MissingField, $"The body lacks required members: {names}.", new Dictionary<string, string>(1) { ["fields"] = names.Replace("'", "", StringComparison.Ordinal) });
        }

        if (message.Contains("doesn't allow setting null values", StringComparison.Ordinal))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidJson, $"The member {path ?? "?"} may not be null.", PathDetails(path));
        }

        return path is null or "$"
            ? new ApiProblem(400, ApiErrorCodes.InvalidJson, "The body is not valid JSON for this request.")
            : new ApiProblem(400, ApiErrorCodes.InvalidJson, $"The body is not valid JSON for this request at {path}.", PathDetails(path));
    }

    private static Dictionary<string, string>? PathDetails(string? path) =>
        path is null ? null : new Dictionary<string, string>(1) { ["path"] = path };

    private static ApiProblem TooLarge(int maxBytes) =>
        new(413, ApiErrorCodes.RequestTooLarge, $"The body is larger than {maxBytes} bytes.");

    private static bool HasChunkedBody(HttpRequest request) =>
        request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);

    /// <summary>application/json, optionally with parameters (charset); also application/*+json.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        span = span.Trim();
        return span.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (span.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && span.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
