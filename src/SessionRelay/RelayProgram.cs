using GameBackend.SessionRelay.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace GameBackend.SessionRelay;

/// <summary>
/// The relay container's entry point: the UDP relay, its heartbeats, and a small HTTP listener for /healthz,
/// /readyz and /metrics. Settings come from the <c>Relay</c> section (appsettings, <c>Relay__Endpoint</c>-style
/// environment variables, or the command line). SIGTERM drains, then the process exits 0.
/// </summary>
public static class RelayProgram
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        var section = builder.Configuration.GetSection(RelayOptions.SectionName);
        var options = section.Get<RelayOptions>() ?? new RelayOptions();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(options.HttpUrls);
        }

        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainSeconds + 15));
        builder.Services.AddSessionRelay(section);

        var app = builder.Build();
        app.MapRelayOperations();
        try
        {
            _ = app.Services.GetRequiredService<IOptions<RelayOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await app.RunAsync();
        return 0;
    }
}
