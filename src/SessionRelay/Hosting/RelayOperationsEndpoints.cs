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

    // Plain text, not JSON: probes read the status code, and text needs no serializer metadata under Native AOT.
    private static ContentHttpResult Health(UdpRelay relay) =>
        relay.IsRunning ? TypedResults.Text("ok\n") : TypedResults.Text("the receive loop is not running\n", statusCode: 503);

    private static ContentHttpResult Ready(UdpRelay relay) =>
        relay.IsRunning && !relay.IsDraining
            ? TypedResults.Text("ready\n")
            : TypedResults.Text(relay.IsDraining ? "draining\n" : "not running\n", statusCode: 503);

    private static ContentHttpResult Metrics(UdpRelay relay) =>
        TypedResults.Text(relay.Metrics.ToPrometheusText(relay.IsDraining), MetricsContentType);
}
