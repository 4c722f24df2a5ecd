using GameBackend.Api;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Hosts.Local;
using GameBackend.Kafka;
using GameBackend.SessionRelay;
using GameBackend.SessionRelay.ControlPlane;
using GameBackend.SessionRelay.Hosting;
using GameBackend.Stores.Sqlite;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateSlimBuilder(args);

// Defaults sit below every other source, so appsettings, environment and command line all override them.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",

        // The in-process UDP session relay (GameBackend:Relay:Enabled=false turns it off). Not required: when another
        // process holds the port, the backend runs on without a relay instead of failing to start.
        ["GameBackend:Relay:Enabled"] = "true",
        ["GameBackend:Relay:Endpoint"] = LocalRelay.DefaultEndpoint,
        ["GameBackend:Relay:RelayId"] = "local",
        ["GameBackend:Relay:Region"] = "local",
        ["GameBackend:Relay:DiscoverTitles"] = "true",
        ["GameBackend:Relay:Required"] = "false",
        ["GameBackend:Relay:DrainSeconds"] = "5",
        ["GameBackend:Relay:DrainAcceptSeconds"] = "0",
    },
});

// Matchmaking sends every match to the one in-process relay, unless relays are configured explicitly.
LocalRelay.ConfigureDirectory(builder.Configuration);

var hostOptions = builder.Configuration.GetSection(LocalHostOptions.SectionName).Get<LocalHostOptions>() ?? new LocalHostOptions();
builder.Logging.ClearProviders();
if (string.Equals(hostOptions.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
{
    builder.Logging.AddJsonConsole(o =>
    {
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    });
}
else
{
    builder.Logging.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    });
}

if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls(hostOptions.Urls);
}

builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

builder.Services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection(LocalHostOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<LocalHostOptions>, LocalHostOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IRankIndex, InProcessRankIndex>();
builder.Services.AddSingleton<IDocumentStore>(static services =>
{
    var options = services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
    Directory.CreateDirectory(Path.GetDirectoryName(options.DatabasePath)!);
    Log.StoringDataIn(services.GetRequiredService<ILoggerFactory>().CreateLogger("GameBackend.Hosts.Local"), options.DatabasePath);
    return new SqliteDocumentStore(new SqliteDocumentStoreOptions(options.DatabasePath), services.GetRequiredService<TimeProvider>());
});
// Raw events are archived as Parquet under GameBackend:Archive:Path (default: data/archive beside the database).
builder.Services.AddSingleton<IObjectStore>(static services =>
    new FolderObjectStore(services.GetRequiredService<IOptions<LocalHostOptions>>().Value.ArchivePath));
builder.Services.AddParquetEventArchive(builder.Configuration);
builder.Services.AddGameBackendApi(builder.Configuration);
builder.Services.AddHostedService<MatchmakingScheduler>();

// Analytics: with GameBackend:Kafka:BootstrapServers set, events go through that Kafka and this process's consumer group
// feeds the ingest handler, as in the clouds (unless GameBackend:AnalyticsConsumer=false leaves them to another
// process); otherwise the in-process bus's events go to the handler.
if (!string.IsNullOrWhiteSpace(builder.Configuration[KafkaOptions.SectionName + ":BootstrapServers"]))
{
    builder.Services.AddKafkaEventBus(builder.Configuration);
    if (hostOptions.AnalyticsConsumer)
    {
        builder.Services.AddKafkaIngestConsumer(builder.Configuration);
    }
}
else
{
    builder.Services.AddSingleton<InProcessAnalyticsConsumer>();
    builder.Services.AddSingleton<IEventConsumer>(static services => services.GetRequiredService<InProcessAnalyticsConsumer>());
    builder.Services.AddHostedService(static services => services.GetRequiredService<InProcessAnalyticsConsumer>());
}

var relayEnabled = builder.Configuration.GetValue(LocalRelay.EnabledKey, true);
if (relayEnabled)
{
    builder.Services.AddSingleton<IRelayControlPlane, LocalRelayControlPlane>();
    builder.Services.AddSessionRelay(builder.Configuration.GetSection(LocalRelay.SectionName));
}

var app = builder.Build();
app.MapGameBackendApi();
if (relayEnabled)
{
    app.MapRelayOperations("/relay");
}

// Before listening, so the keys line is on stdout by the time /healthz answers.
await DefaultTitle.EnsureAsync(
    app.Services.GetRequiredService<IDocumentStore>(),
    app.Services.GetRequiredService<TitleService>(),
    Console.Out,
    app.Lifetime.ApplicationStopping);

// Ctrl+C and SIGTERM stop the host gracefully; disposing it disposes the store, which drains its write queue.
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
