using Microsoft.AspNetCore.Http.HttpResults;

namespace GameBackend.SessionRelay.Hosting;

/// <summary>
/// The relay's HTTP side for orchestrators and scrapers: liveness (the receive loop runs), readiness (running and
/// not draining, so a load balancer or the registry stops sending new players), and Prometheus metrics.
/// </summary>
public static class RelayOperationsEndpoints
{
    public const string MetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapRelayOperations(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(prefix + "/healthz", Health);
        endpoints.MapGet(prefix + "/readyz", Ready);
        endpoints.MapGet(prefix + "/metrics", Metrics);
        return endpoints;
    }

    private static Results<Ok<string>, ProblemHttpResult> Health(UdpRelay relay) =>
        relay.IsRunning ? TypedResults.Ok("ok") : TypedResults.Problem("The relay's receive loop is not running.", statusCode: 503);

    private static Results<Ok<string>, ProblemHttpResult> Ready(UdpRelay relay) =>
        relay.IsRunning && !relay.IsDraining
            ? TypedResults.Ok("ready")
            : TypedResults.Problem(relay.IsDraining ? "The relay is draining." : "The relay is not running.", statusCode: 503);

    private static ContentHttpResult Metrics(UdpRelay relay) =>
        TypedResults.Text(relay.Metrics.ToPrometheusText(relay.IsDraining), MetricsContentType);
}
