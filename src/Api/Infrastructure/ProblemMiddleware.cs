using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// The outermost middleware of every host that adds the API: it turns whatever no handler described into a
/// problem document. Bare statuses (unknown route 404, wrong method 405, Kestrel's 413/431, an empty 400)
/// get their code; <see cref="BadHttpRequestException"/> keeps its status; a continuation token that a
/// store rejects is the client's fault (400); anything else is a bug: 500 "internal_error", logged with the
/// trace id, nothing about it in the response. It also caps the request body size for Kestrel.
/// </summary>
internal sealed class ProblemMiddleware(RequestDelegate next, IOptions<ApiOptions> options, ILogger<ProblemMiddleware> logger)
{
    private readonly long _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var bodySize = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = _maxBodyBytes;
        }

        try
        {
            await next(httpContext);
        }
        catch (Exception ex) when (httpContext.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception ex)
        {
            await HandleExceptionAsync(httpContext, ex);
            return;
        }

        var response = httpContext.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            var status = response.StatusCode;
            var code = ApiErrorCodes.ForStatus(status);
            Log.RequestRejected(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "", status, code);
            await new ApiProblem(status, code, DetailFor(status)).WriteAsync(httpContext);
        }
    }

    private async Task HandleExceptionAsync(HttpContext httpContext, Exception exception)
    {
        var request = httpContext.Request;
        if (httpContext.Response.HasStarted)
        {
            Log.ExceptionAfterResponseStarted(logger, exception, request.Method, request.Path.Value ?? "");
            httpContext.Abort();
            return;
        }

        if (!TryDescribeClientError(exception, out var problem))
        {
            Log.UnhandledException(logger, exception, request.Method, request.Path.Value ?? "", System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier);
            problem = new ApiProblem(500, ApiErrorCodes.InternalError, "An unexpected error occurred. Quote the traceId when reporting it.");
        }

        httpContext.Response.Clear();
        await problem.WriteAsync(httpContext);
    }

    /// <summary>
    /// The exceptions that are the client's fault, not a bug: a body Kestrel or the binder refused, a continuation
    /// token the store did not make. They answer 4xx in every environment.
    /// </summary>
    internal static bool TryDescribeClientError(Exception exception, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ApiProblem? problem)
    {
        problem = exception switch
        {
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => JsonBody.Describe(json),
            BadHttpRequestException bad => new ApiProblem(bad.StatusCode, ApiErrorCodes.ForStatus(bad.StatusCode), DetailFor(bad.StatusCode)),
            InvalidContinuationTokenException => new ApiProblem(400, ApiErrorCodes.InvalidContinuationToken, "The continuation token is not valid for this query."),
            _ => null,
        };
        return problem is not null;
    }

    private static string DetailFor(int status) => status switch
    {
        404 => "No route matches this path.",
        405 => "The route does not accept this method.",
        413 => "The request body is too large.",
        415 => "The body must be application/json.",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };
}

/// <summary>
/// In the Development environment ASP.NET Core puts its developer exception page inside the host's pipeline,
/// so exceptions reach it before <see cref="ProblemMiddleware"/>. This filter lets client errors still answer
/// their 4xx problem there; real bugs go on to the developer page as usual.
/// </summary>
internal sealed class ClientErrorDeveloperPageFilter : Microsoft.AspNetCore.Diagnostics.IDeveloperPageExceptionFilter
{
    public Task HandleExceptionAsync(Microsoft.AspNetCore.Diagnostics.ErrorContext errorContext, Func<Microsoft.AspNetCore.Diagnostics.ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        ArgumentNullException.ThrowIfNull(next);
        if (!ProblemMiddleware.TryDescribeClientError(errorContext.Exception, out var problem))
        {
            return next(errorContext);
        }

        errorContext.HttpContext.Response.Clear();
        return problem.WriteAsync(errorContext.HttpContext);
    }
}

/// <summary>Puts <see cref="ProblemMiddleware"/> in front of the host's pipeline, so hosts need no extra call.</summary>
internal sealed class ProblemStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ProblemMiddleware>();
        next(app);
    };
}
