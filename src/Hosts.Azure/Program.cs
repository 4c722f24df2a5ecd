using Azure.Core;
using Azure.Identity;
using GameBackend.Api;
using GameBackend.Api.Admin;
using GameBackend.Archive.Blob;
using GameBackend.Core.Leaderboards;
using GameBackend.Hosts.Azure;
using GameBackend.Kafka;
using GameBackend.Redis;
using GameBackend.Stores.Cosmos;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

var builder = WebApplication.CreateSlimBuilder(args);

// Defaults sit below every other source, so app settings (environment variables) and the command line override them.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    },
});

// The Functions host captures the handler's stdout into the invocation logs and Application Insights: one line each.
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
});

// The Functions host tells the handler its port; it calls 127.0.0.1 only, so nothing else can reach the trigger paths.
var customHandlerPort = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{(string.IsNullOrEmpty(customHandlerPort) ? "8080" : customHandlerPort)}");
}

builder.WebHost.ConfigureKestrel(o =>
{
    o.AddServerHeader = false;
    // A Kafka batch (maxBatchSize records, each a JSON event inside two layers of JSON strings) is larger than any API body.
    o.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
});

// Every request comes from the Functions host on loopback; the client's address is the platform's X-Forwarded-For
// (the last entry, which the front end appends), so per-client rate limits see players, not 127.0.0.1.
builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor);

builder.Services.AddOptions<AzureHostOptions>().Bind(builder.Configuration.GetSection(AzureHostOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<AzureHostOptions>, AzureHostOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);

// Created on first use, not at start: cold start pays for no connection that the first request does not need.
builder.Services.AddSingleton<IConnectionMultiplexer>(static services =>
{
    var options = ConfigurationOptions.Parse(services.GetRequiredService<IOptions<AzureHostOptions>>().Value.RedisConnectionString);
    options.AbortOnConnectFail = false;
    return ConnectionMultiplexer.Connect(options);
});
builder.Services.AddSingleton<IRankIndex>(static services => new RedisRankIndex(
    services.GetRequiredService<IConnectionMultiplexer>(),
    services.GetRequiredService<IOptions<AzureHostOptions>>().Value.RedisKeyPrefix));

// Cosmos DB (section Cosmos); the client too is made on the store's first call.
builder.Services.AddCosmosDocumentStore(builder.Configuration);
builder.Services.AddGameBackendApi(builder.Configuration);

// Events (the API's own and clients' telemetry) go to Kafka: Event Hubs' Kafka endpoint in the template. There is no
// in-process consumer here, so an in-process bus would drop acknowledged events: Kafka is required.
if (string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]))
{
    throw new InvalidOperationException($"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)} is required: the Azure host publishes events to Kafka (Event Hubs' Kafka endpoint).");
}

builder.Services.AddKafkaEventBus(builder.Configuration);

// Raw events as Parquet on Blob Storage (GameBackend:Archive:Blob), which the template sets: the ingest function archives
// each batch before it updates the rollups. Without those settings there is no archive (local runs, tests).
var blobArchive = builder.Configuration.GetSection(BlobObjectStoreOptions.SectionName);
if (!string.IsNullOrWhiteSpace(blobArchive[nameof(BlobObjectStoreOptions.ServiceUri)]) || !string.IsNullOrWhiteSpace(blobArchive[nameof(BlobObjectStoreOptions.ConnectionString)]))
{
    builder.Services.AddSingleton<TokenCredential>(static services =>
        services.GetRequiredService<IOptions<AzureHostOptions>>().Value.ManagedIdentityClientId is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned));
    builder.Services.AddBlobEventArchive(builder.Configuration);
}


var app = builder.Build();
if (TitleCommand.IsRequested(args))
{
    // A one-off command with the function app's settings, not the handler: no port is opened.
    int exitCode;
    await using (app)
    {
        exitCode = await TitleCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
    }

    return exitCode;
}

app.UseForwardedHeaders();
app.MapGameBackendApi();
FunctionInvocations.Map(app);
app.Lifetime.ApplicationStarted.Register(() =>
    Log.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GameBackend.Hosts.Azure"), string.Join(", ", app.Urls)));

// SIGTERM (the Functions host stopping or recycling the worker) stops gracefully; disposing the host disposes the store.
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
