using GameBackend.Api;
using GameBackend.Api.Admin;
using GameBackend.Api.Health;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Storage;
using GameBackend.Hosts.Aws;
using GameBackend.Kafka;
using GameBackend.Archive.S3;
using GameBackend.Redis;
using GameBackend.Stores.DynamoDb;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

var builder = WebApplication.CreateSlimBuilder(args);

// Defaults sit below every other source, so the function's environment overrides them.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    },
});

var hostOptions = builder.Configuration.GetSection(AwsHostOptions.SectionName).Get<AwsHostOptions>() ?? new AwsHostOptions();

// CloudWatch Logs keeps one JSON object per line searchable (Logs Insights parses it).
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
});

if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls(hostOptions.Urls);
}

builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);

builder.Services.AddOptions<AwsHostOptions>().Bind(builder.Configuration.GetSection(AwsHostOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<AwsHostOptions>, AwsHostOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);

// The document store: one DynamoDB table; credentials and region from the Lambda environment.
builder.Services.AddSingleton(static services => StoreOptions(services.GetRequiredService<IOptions<AwsHostOptions>>().Value.DynamoDb));
builder.Services.AddSingleton<Amazon.DynamoDBv2.IAmazonDynamoDB>(static services => services.GetRequiredService<DynamoDbDocumentStoreOptions>().CreateClient());
builder.Services.AddSingleton<IDocumentStore, DynamoDbDocumentStore>();

// The rank index on ElastiCache when configured; otherwise Api's in-process index (rebuilt from the store per instance).
if (!string.IsNullOrWhiteSpace(hostOptions.Redis.Configuration))
{
    builder.Services.AddSingleton<IConnectionMultiplexer>(static services =>
        ConnectionMultiplexer.Connect(services.GetRequiredService<IOptions<AwsHostOptions>>().Value.Redis.Configuration));
    builder.Services.AddSingleton<IRankIndex>(static services => new RedisRankIndex(
        services.GetRequiredService<IConnectionMultiplexer>(),
        services.GetRequiredService<IOptions<AwsHostOptions>>().Value.Redis.KeyPrefix));
}

builder.Services.AddGameBackendApi(builder.Configuration);

// The backend's own events go to Kafka (MSK) when it is configured; the ingest function only consumes (Lambda's event
// source mapping reads the topic), so it publishes nothing and needs no producer.
if (!string.IsNullOrWhiteSpace(builder.Configuration[KafkaOptions.SectionName + ":BootstrapServers"])
    && !string.Equals(hostOptions.Function, nameof(AwsFunction.Ingest), StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddKafkaEventBus(builder.Configuration);
}

// Raw events as Parquet on S3 (GameBackend:Archive:S3, which the template sets on the ingest function only): the
// ingest function archives each batch before it updates the rollups. Without a bucket there is no archive.
if (!string.IsNullOrWhiteSpace(builder.Configuration[S3ObjectStoreOptions.SectionName + ":" + nameof(S3ObjectStoreOptions.BucketName)]))
{
    builder.Services.AddS3EventArchive(builder.Configuration);
}

var app = builder.Build();

// Operator commands run with the deployment's settings and exit; they never serve.
switch (args)
{
    case [TitleCommand.Name, ..]:
        return await TitleCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
    case [TableCommand.Name]:
        return await TableCommand.RunAsync(app.Services, Console.Out);
}

var function = app.Services.GetRequiredService<IOptions<AwsHostOptions>>().Value.ParsedFunction;
var passThroughPath = PassThroughEndpoints.PathFrom(app.Configuration);
switch (function)
{
    case AwsFunction.Api:
        app.MapGameBackendApi();
        break;
    case AwsFunction.Tick:
        HealthEndpoints.Map(app);
        PassThroughEndpoints.MapTick(app, passThroughPath);
        break;
    case AwsFunction.Ingest:
        HealthEndpoints.Map(app);
        PassThroughEndpoints.MapIngest(app, passThroughPath);
        break;
}

await app.RunAsync();
return 0;

static DynamoDbDocumentStoreOptions StoreOptions(DynamoDbSettings settings) => new(settings.TableName)
{
    ServiceUrl = string.IsNullOrEmpty(settings.ServiceUrl) ? null : settings.ServiceUrl,
    Region = string.IsNullOrEmpty(settings.Region) ? null : settings.Region,
};

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
