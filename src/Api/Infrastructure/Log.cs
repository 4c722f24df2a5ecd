using Microsoft.Extensions.Logging;

namespace GameBackend.Api.Infrastructure;

/// <summary>Source-generated log messages of the HTTP layer (no boxing, no parsing of templates at run time).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path} (traceId {TraceId})")]
    public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Request rejected before the handler: {Method} {Path} answered {Status} {Code}")]
    public static partial void RequestRejected(ILogger logger, string method, string path, int status, string code);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Exception after the response had started on {Method} {Path}; the connection is aborted")]
    public static partial void ExceptionAfterResponseStarted(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Readiness probe failed: the store did not answer")]
    public static partial void ReadinessProbeFailed(ILogger logger, Exception exception);
}
