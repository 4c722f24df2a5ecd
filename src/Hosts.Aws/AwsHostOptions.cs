using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Aws;

/// <summary>
/// Which of the three Lambda functions this process is. One artifact serves all three so a deployment ships and
/// cold-starts one binary; the function a process plays is configuration, and a process maps only its own routes,
/// so the tick and ingest functions cannot serve the player API even if something routes HTTP to them.
/// </summary>
public enum AwsFunction
{
    /// <summary>The player API (everything Api maps), behind API Gateway's HTTP API.</summary>
    Api,

    /// <summary>The matchmaking tick, invoked by an EventBridge schedule.</summary>
    Tick,

    /// <summary>Analytics ingest, invoked by an MSK or self-managed Kafka event source mapping.</summary>
    Ingest,
}

/// <summary>
/// Settings of the AWS host (section <c>GameBackend</c>; in Lambda they arrive as environment variables such as
/// <c>GameBackend__Function</c>). The API's own settings live in <c>GameBackend:Api</c> and <c>GameBackend:RateLimits</c>.
/// templates/aws/template.yaml sets these; a test keeps the two in step.
/// </summary>
public sealed class AwsHostOptions
{
    public const string SectionName = "GameBackend";

    /// <summary>Where Kestrel listens when ASPNETCORE_URLS is not given: the port Lambda Web Adapter forwards to (AWS_LWA_PORT).</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>api, tick or ingest (see <see cref="AwsFunction"/>). Required: a function that guessed its role could serve the wrong traffic.</summary>
    [RequiredSetting]
    public string Function { get; set; } = "";

    public string Urls { get; set; } = DefaultUrls;

    public DynamoDbSettings DynamoDb { get; set; } = new();

    public RedisSettings Redis { get; set; } = new();

    public TickSettings Tick { get; set; } = new();

    public AwsFunction ParsedFunction => Enum.Parse<AwsFunction>(Function, ignoreCase: true);
}

/// <summary>The one table every title's items live in (see GameBackend.Stores.DynamoDb).</summary>
public sealed class DynamoDbSettings
{
    [RequiredSetting]
    public string TableName { get; set; } = "";

    /// <summary>DynamoDB Local's URL in tests and local runs; empty in AWS (the region's endpoint).</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>Empty in AWS: the SDK takes AWS_REGION from the Lambda environment.</summary>
    public string Region { get; set; } = "";
}

/// <summary>The rank index on Redis (ElastiCache). Without a configuration the rank index is in-process per instance.</summary>
public sealed class RedisSettings
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>my-cache.serverless.euw1.cache.amazonaws.com:6379,ssl=true,user=gamebackend,password=…</c>.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key the rank index writes, so one cache can serve several deployments.</summary>
    public string KeyPrefix { get; set; } = "gb";
}

/// <summary>
/// How long one scheduled invocation keeps ticking. EventBridge schedules fire at most once a minute, too slow for
/// matchmaking, so one invocation ticks every <see cref="IntervalSeconds"/> for <see cref="RunSeconds"/>; the store's
/// queue lease makes the overlap with the next invocation harmless. RunSeconds 0 ticks once per invocation.
/// </summary>
public sealed class TickSettings
{
    public double RunSeconds { get; set; }

    public double IntervalSeconds { get; set; } = 1;
}

/// <summary>Marks a setting every deployment must give; the template consistency test reads it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredSettingAttribute : Attribute;

internal sealed class AwsHostOptionsValidator : IValidateOptions<AwsHostOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsHostOptions options)
    {
        List<string>? failures = null;
        if (!Enum.TryParse<AwsFunction>(options.Function, ignoreCase: true, out _) || int.TryParse(options.Function, out _))
        {
            (failures ??= []).Add($"GameBackend:Function must be api, tick or ingest (was \"{options.Function}\").");
        }

        if (string.IsNullOrWhiteSpace(options.DynamoDb.TableName))
        {
            (failures ??= []).Add("GameBackend:DynamoDb:TableName must name the table.");
        }

        if (!double.IsFinite(options.Tick.RunSeconds) || options.Tick.RunSeconds is < 0 or > 840)
        {
            (failures ??= []).Add("GameBackend:Tick:RunSeconds must be 0 to 840 (Lambda's 15-minute limit, with a margin).");
        }

        if (!double.IsFinite(options.Tick.IntervalSeconds) || options.Tick.IntervalSeconds is < 0.1 or > 60)
        {
            (failures ??= []).Add("GameBackend:Tick:IntervalSeconds must be 0.1 to 60.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
