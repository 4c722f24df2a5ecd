namespace GameBackend.Hosts.Azure;

/// <summary>
/// The functions of the function app. Each name is a folder under FunctionApp/ holding its function.json, and the
/// Functions host invokes a non-HTTP function as <c>POST /{name}</c> on the handler, so the names here, the folders
/// and templates/azure/main.bicep must agree (Hosts.Azure.Tests checks that they do).
/// </summary>
public static class AzureFunctionNames
{
    /// <summary>The player API: HTTP trigger on <c>v1/{*path}</c>, forwarded as-is so the routes are the Api's own.</summary>
    public const string Api = "Api";

    /// <summary>Liveness (<c>/healthz</c>), forwarded.</summary>
    public const string Healthz = "Healthz";

    /// <summary>Readiness (<c>/readyz</c>), forwarded.</summary>
    public const string Readyz = "Readyz";

    /// <summary>The OpenAPI document (<c>/openapi/{documentName}.json</c>), forwarded.</summary>
    public const string OpenApi = "OpenApi";

    /// <summary>The matchmaking tick: timer trigger (six-field NCRONTAB from the app setting MatchmakingTickSchedule).</summary>
    public const string MatchmakingTick = "MatchmakingTick";

    /// <summary>Analytics ingest: Kafka trigger (Event Hubs' Kafka endpoint or any Kafka), cardinality many.</summary>
    public const string AnalyticsIngest = "AnalyticsIngest";

    /// <summary>The binding name of the timer trigger in MatchmakingTick/function.json (the key under <c>Data</c>).</summary>
    public const string TimerBinding = "timer";

    /// <summary>The binding name of the Kafka trigger in AnalyticsIngest/function.json (the key under <c>Data</c>).</summary>
    public const string KafkaBinding = "events";

    /// <summary>Functions with an HTTP trigger and an HTTP output only: the Functions host forwards their requests unchanged.</summary>
    public static IReadOnlyList<string> Http { get; } = [Api, Healthz, Readyz, OpenApi];

    /// <summary>Functions the Functions host invokes with the custom-handler payload at <c>POST /{name}</c>.</summary>
    public static IReadOnlyList<string> Triggered { get; } = [MatchmakingTick, AnalyticsIngest];

    public static IReadOnlyList<string> All { get; } = [.. Http, .. Triggered];
}
