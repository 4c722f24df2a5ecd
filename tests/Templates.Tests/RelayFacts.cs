using System.Net;
using GameBackend.SessionRelay;
using GameBackend.SessionRelay.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GameBackend.Templates.Tests;

/// <summary>What the templates must agree with, read from the relay itself rather than restated here.</summary>
internal static class RelayFacts
{
    /// <summary>RelayProgram gives the host <c>DrainSeconds + 15</c> s to stop; Kubernetes must wait at least that long.</summary>
    public const int ShutdownMarginSeconds = 15;

    public static RelayOptions Defaults { get; } = new();

    public static int UdpPort => IPEndPoint.Parse(Defaults.Endpoint).Port;

    public static int HttpPort => new Uri(Defaults.HttpUrls).Port;

    /// <summary>The relay executable's name: what Native AOT publishes and the image's ENTRYPOINT must run.</summary>
    public static string AssemblyName => typeof(RelayProgram).Assembly.GetName().Name!;

    /// <summary>The HTTP routes the relay's container entry point maps (as RelayProgram maps them).</summary>
    public static IReadOnlySet<string> Routes { get; } = ReadRoutes();

    /// <summary>Binds <c>Relay__*</c> environment-style settings as the container would and runs the relay's own validator.</summary>
    public static ValidateOptionsResult Validate(IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
            .Build();
        var options = configuration.GetSection(RelayOptions.SectionName).Get<RelayOptions>() ?? new RelayOptions();
        return new RelayOptionsValidator().Validate(null, options);
    }

    private static HashSet<string> ReadRoutes()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSessionRelay(builder.Configuration.GetSection(RelayOptions.SectionName));
        var app = builder.Build();
        app.MapRelayOperations();
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet(StringComparer.Ordinal);
    }
}
