using GameBackend.Api.Infrastructure;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace GameBackend.Api.Health;

public sealed record HealthResponse(string Status);

/// <summary>
/// Liveness (the process answers) and readiness (the store answers a point read). Load balancers and
/// orchestrators poll these, so neither is authenticated or rate limited.
/// </summary>
public static class HealthEndpoints
{
    public const string Tag = "Health";

    /// <summary>The key the readiness probe reads; it never exists, and a miss is as good as a hit.</summary>
    private static readonly ItemKey ProbeKey = new("_system", "health", "probe");

    private static readonly HealthResponse Ok = new("ok");

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", static () => TypedResults.Ok(Ok))
            .WithTags(Tag)
            .WithName("Liveness")
            .WithSummary("200 while the process runs.");

        endpoints.MapGet("/readyz", Ready)
            .WithTags(Tag)
            .WithName("Readiness")
            .WithSummary("200 when the store answers a read, else 503.")
            .ProducesProblems(503);
    }

    private static async Task<Results<Ok<HealthResponse>, ApiProblem>> Ready(
        HttpContext httpContext, [FromServices] IDocumentStore store, [FromServices] ILoggerFactory loggers)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await store.GetAsync(ProbeKey, timeout.Token);
            return TypedResults.Ok(Ok);
        }
        catch (Exception ex) when (!httpContext.RequestAborted.IsCancellationRequested)
        {
            Log.ReadinessProbeFailed(loggers.CreateLogger(typeof(HealthEndpoints).FullName!), ex);
            return new ApiProblem(503, ApiErrorCodes.NotReady, "The store did not answer.");
        }
    }
}
