using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// host.json and the function.json files against the code: the Functions host forwards an HTTP request unchanged only
/// when its function has exactly one httpTrigger input and one http output and host.json opts in; every API route must
/// be reachable through an HTTP function and no trigger path may be.
/// </summary>
[Collection(AzureServersCollection.Name)]
public sealed class FunctionAppTests
{
    private readonly AzureServers _servers;

    public FunctionAppTests(AzureServers servers) => _servers = servers;

    [Fact]
    public void Host_json_runs_this_executable_as_a_custom_handler_that_forwards_HTTP_without_a_route_prefix()
    {
        var host = FunctionApp.HostJson;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        Assert.Equal(typeof(AzureFunctionNames).Assembly.GetName().Name, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host.GetProperty("extensionBundle").GetProperty("id").GetString());

        // A failed Kafka batch is redelivered, never skipped (extension versions that know these settings).
        var kafka = host.GetProperty("extensions").GetProperty("kafka");
        Assert.False(kafka.GetProperty("commitOnFailure").GetBoolean());
        Assert.Equal(-1, kafka.GetProperty("maxRetries").GetInt32());
    }

    [Fact]
    public void Every_function_folder_is_a_function_of_the_code_and_the_other_way_round()
    {
        Assert.Equal(AzureFunctionNames.All.Order(StringComparer.Ordinal), FunctionApp.FunctionFolders);
        Assert.Empty(AzureFunctionNames.Http.Intersect(AzureFunctionNames.Triggered));
    }

    [Fact]
    public void Http_functions_have_one_httpTrigger_and_one_http_output_so_requests_are_forwarded_as_they_are()
    {
        foreach (var name in AzureFunctionNames.Http)
        {
            var input = Assert.Single(FunctionApp.Bindings(name, "in"));
            var output = Assert.Single(FunctionApp.Bindings(name, "out"));
            Assert.Equal("httpTrigger", input.GetProperty("type").GetString());
            Assert.Equal("http", output.GetProperty("type").GetString());
            Assert.Equal("anonymous", input.GetProperty("authLevel").GetString());
            Assert.False(input.TryGetProperty("methods", out _), $"{name}: every method is forwarded; the API answers 405 itself");
        }
    }

    [Fact]
    public void The_timer_and_the_Kafka_trigger_are_bound_as_the_handler_reads_them()
    {
        var timer = Assert.Single(FunctionApp.Bindings(AzureFunctionNames.MatchmakingTick, "in"));
        Assert.Equal("timerTrigger", timer.GetProperty("type").GetString());
        Assert.Equal(AzureFunctionNames.TimerBinding, timer.GetProperty("name").GetString());
        Assert.Equal("%MatchmakingTickSchedule%", timer.GetProperty("schedule").GetString());
        Assert.Empty(FunctionApp.Bindings(AzureFunctionNames.MatchmakingTick, "out"));

        var kafka = Assert.Single(FunctionApp.Bindings(AzureFunctionNames.AnalyticsIngest, "in"));
        Assert.Equal("kafkaTrigger", kafka.GetProperty("type").GetString());
        Assert.Equal(AzureFunctionNames.KafkaBinding, kafka.GetProperty("name").GetString());
        Assert.Equal("many", kafka.GetProperty("cardinality").GetString());
        Assert.Equal("string", kafka.GetProperty("dataType").GetString());
        Assert.Empty(FunctionApp.Bindings(AzureFunctionNames.AnalyticsIngest, "out"));

        // A failed batch is retried in place until it succeeds: the partition waits rather than losing events.
        var retry = FunctionApp.FunctionJson(AzureFunctionNames.AnalyticsIngest).GetProperty("retry");
        Assert.Equal(-1, retry.GetProperty("maxRetryCount").GetInt32());
    }

    [Fact]
    public async Task Every_API_route_is_reachable_through_an_HTTP_function_and_no_trigger_path_is()
    {
        await using var host = new AzureHostFactory(_servers);
        _ = host.Server;
        var functionRoutes = AzureFunctionNames.Http
            .Select(name => (name, Matcher: new TemplateMatcher(TemplateParser.Parse(Assert.Single(FunctionApp.Bindings(name, "in")).GetProperty("route").GetString()!), new RouteValueDictionary())))
            .ToList();

        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var triggerPaths = AzureFunctionNames.Triggered.Select(n => "/" + n).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(triggerPaths, endpoints.Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Where(triggerPaths.Contains).ToHashSet(StringComparer.Ordinal));

        var apiRoutes = endpoints.Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Where(p => !triggerPaths.Contains(p)).Distinct().ToList();
        Assert.Contains("/v1/profile", apiRoutes);
        Assert.Contains("/healthz", apiRoutes);
        foreach (var route in apiRoutes)
        {
            var sample = SamplePath(route);
            Assert.True(functionRoutes.Any(f => f.Matcher.TryMatch(sample, new RouteValueDictionary())), $"{route} ({sample}) is reachable through no HTTP function");
        }

        foreach (var path in triggerPaths)
        {
            Assert.DoesNotContain(functionRoutes, f => f.Matcher.TryMatch(path, new RouteValueDictionary()));
            Assert.DoesNotContain(functionRoutes, f => f.Matcher.TryMatch(path.ToLowerInvariant(), new RouteValueDictionary()));
        }
    }

    [Fact]
    public void The_build_output_is_laid_out_as_a_function_app()
    {
        var output = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(output, "host.json")), "host.json is not beside the executable");
        Assert.False(Directory.Exists(Path.Combine(output, "FunctionApp")), "the source folder was copied too (a second host.json)");
        foreach (var name in AzureFunctionNames.All)
        {
            Assert.True(File.Exists(Path.Combine(output, name, "function.json")), $"{name}/function.json is not in the output");
        }
    }

    /// <summary>A concrete path for a route pattern: every parameter becomes one segment of letters.</summary>
    private static PathString SamplePath(string route)
    {
        var parts = route.Split('/').Select(segment => System.Text.RegularExpressions.Regex.Replace(segment, @"\{[^}]*\}", "sample"));
        return new PathString(string.Join('/', parts));
    }
}
