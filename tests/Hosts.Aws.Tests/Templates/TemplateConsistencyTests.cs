using System.Reflection;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2.Model;
using GameBackend.Api.Infrastructure;
using GameBackend.Api.Matchmaking;
using GameBackend.Api.Tests;
using GameBackend.Archive.S3;
using GameBackend.Kafka;
using GameBackend.Stores.DynamoDb.Tests;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Hosts.Aws.Tests.Templates;

/// <summary>
/// templates/aws/template.yaml and the code agree, both ways: the functions the template declares are the host's
/// functions and no other; every setting it gives is one the code reads, and every setting the code requires is given;
/// the HTTP API's routes reach every route the api function maps and nothing it does not; the adapter's paths are
/// routes the functions serve; the table has the schema the store writes.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed partial class TemplateConsistencyTests(DynamoDbLocalFixture dynamo)
{
    private static readonly Dictionary<string, object?> Template = CloudFormationTemplate.Read();

    /// <summary>The settings sections the host binds, with the options type behind each.</summary>
    private static readonly (string Section, Type Options)[] SettingsSections =
    [
        (AwsHostOptions.SectionName, typeof(AwsHostOptions)),
        (ApiOptions.SectionName, typeof(ApiOptions)),
        (RateLimitOptions.SectionName, typeof(RateLimitOptions)),
        (RelayOptions.SectionName, typeof(RelayOptions)),
        (KafkaOptions.SectionName, typeof(KafkaOptions)),
        (S3ObjectStoreOptions.SectionName, typeof(S3ObjectStoreOptions)),
    ];

    /// <summary>The adapter settings the template may use: the names its documentation gives.</summary>
    private static readonly HashSet<string> AdapterSettings =
        ["AWS_LWA_PORT", "AWS_LWA_READINESS_CHECK_PATH", "AWS_LWA_PASS_THROUGH_PATH", "AWS_LWA_INVOKE_MODE", "AWS_LWA_ERROR_STATUS_CODES"];

    private static IEnumerable<(string Name, Dictionary<string, string> Environment, Dictionary<string, object?> Properties)> Functions() =>
        CloudFormationTemplate.OfType(Template, "AWS::Serverless::Function").Select(f =>
        {
            var properties = CloudFormationTemplate.FunctionProperties(Template, f.Resource);
            return (f.Name, CloudFormationTemplate.Environment(properties), properties);
        });

    private static Dictionary<string, string> EnvironmentOf(AwsFunction function) =>
        Functions().Single(f => f.Environment.GetValueOrDefault("GameBackend__Function") == function.ToString().ToLowerInvariant()).Environment;

    [Fact]
    public void The_template_declares_each_function_of_the_host_once_and_no_other()
    {
        var declared = Functions().Select(f => f.Environment.GetValueOrDefault("GameBackend__Function") ?? $"(none in {f.Name})").Order().ToList();
        var code = Enum.GetNames<AwsFunction>().Select(n => n.ToLowerInvariant()).Order().ToList();
        Assert.Equal(code, declared);
    }

    [Fact]
    public void Every_setting_the_template_gives_is_one_the_code_reads()
    {
        var known = SettingsSections.SelectMany(s => SettingPaths(s.Section, s.Options)).ToList();
        foreach (var (name, environment, _) in Functions())
        {
            foreach (var variable in environment.Keys)
            {
                if (variable.StartsWith("AWS_LWA_", StringComparison.Ordinal))
                {
                    Assert.True(AdapterSettings.Contains(variable), $"{name}: {variable} is not a Lambda Web Adapter setting");
                    continue;
                }

                var path = variable.Replace("__", ":", StringComparison.Ordinal);
                Assert.True(
                    known.Any(k => k.Prefix ? path.StartsWith(k.Path + ":", StringComparison.OrdinalIgnoreCase) : string.Equals(k.Path, path, StringComparison.OrdinalIgnoreCase)),
                    $"{name}: {variable} is not a setting the host reads");
            }
        }
    }

    [Fact]
    public void Every_setting_the_code_requires_is_given_to_every_function()
    {
        var required = SettingPaths(AwsHostOptions.SectionName, typeof(AwsHostOptions)).Where(p => p.Required).Select(p => p.Path.Replace(":", "__", StringComparison.Ordinal)).ToList();
        Assert.Contains("GameBackend__Function", required);
        Assert.Contains("GameBackend__DynamoDb__TableName", required);
        foreach (var (name, environment, _) in Functions())
        {
            Assert.All(required, setting => Assert.True(environment.ContainsKey(setting), $"{name} lacks {setting}"));
        }
    }

    [Fact]
    public void The_adapter_forwards_to_where_the_host_listens_and_posts_events_where_it_maps_them()
    {
        foreach (var (name, environment, _) in Functions())
        {
            Assert.Equal(new Uri(environment["GameBackend__Urls"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["AWS_LWA_PORT"]);
            Assert.Equal("127.0.0.1", new Uri(environment["GameBackend__Urls"]).Host);
            Assert.Equal(PassThroughEndpoints.DefaultPath, environment["AWS_LWA_PASS_THROUGH_PATH"]);
            Assert.Equal("/healthz", environment["AWS_LWA_READINESS_CHECK_PATH"]);
            Assert.Equal("buffered", environment["AWS_LWA_INVOKE_MODE"]);
        }
    }

    [Fact]
    public void Tick_and_ingest_fail_their_invocation_on_every_non_2xx_and_the_api_on_none()
    {
        foreach (var function in new[] { AwsFunction.Tick, AwsFunction.Ingest })
        {
            var codes = StatusCodes(EnvironmentOf(function)["AWS_LWA_ERROR_STATUS_CODES"]);
            Assert.All(Enumerable.Range(400, 200), status => Assert.Contains(status, codes));
            Assert.DoesNotContain(200, codes);
        }

        Assert.False(EnvironmentOf(AwsFunction.Api).ContainsKey("AWS_LWA_ERROR_STATUS_CODES"));
    }

    [Fact]
    public void Only_the_api_function_is_reachable_over_http_and_the_tick_is_scheduled()
    {
        foreach (var (name, environment, properties) in Functions())
        {
            var events = properties.TryGetValue("Events", out var e) ? CloudFormationTemplate.Map(e) : [];
            var types = events.Values.Select(v => (string)CloudFormationTemplate.Map(v)["Type"]!).Distinct().ToList();
            switch (environment["GameBackend__Function"])
            {
                case "api":
                    Assert.Equal(["HttpApi"], types);
                    break;
                case "tick":
                    Assert.Equal(["Schedule"], types);
                    break;
                default:
                    Assert.Empty(types);
                    Assert.Contains(
                        CloudFormationTemplate.OfType(Template, "AWS::Lambda::EventSourceMapping"),
                        m => CloudFormationTemplate.Map(m.Resource["Properties"])["FunctionName"] is Dictionary<string, object?> target && (string?)target["Ref"] == name);
                    break;
            }
        }
    }

    [Fact]
    public async Task The_http_api_routes_reach_every_route_of_the_api_function_and_nothing_else()
    {
        var routes = ApiFunctionEvents().Select(r => (r.Method, Pattern: RouteRegex(r.Path), r.Path)).ToList();
        Assert.NotEmpty(routes);

        await using var api = new AwsHostFactory(dynamo, "api", dynamo.SharedTable);
        api.CreateClient().Dispose();
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Sample: SamplePath(e.RoutePattern.RawText!), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToList();
        Assert.Contains(endpoints, e => e.Sample == "/v1/profile");

        foreach (var (sample, methods) in endpoints)
        {
            Assert.All(methods, method => Assert.True(
                routes.Any(r => (r.Method == "ANY" || r.Method == method) && r.Pattern.IsMatch(sample)),
                $"{method} {sample} is mapped but no HTTP API route reaches it"));
        }

        foreach (var (method, pattern, path) in routes)
        {
            Assert.True(
                endpoints.Any(e => pattern.IsMatch(e.Sample) && (method == "ANY" || e.Methods.Contains(method))),
                $"the HTTP API routes {method} {path}, which the api function does not map");
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("tick")]
    [InlineData("ingest")]
    public async Task Each_function_answers_its_readiness_check_and_only_tick_and_ingest_take_events(string function)
    {
        var environment = EnvironmentOf(Enum.Parse<AwsFunction>(function, ignoreCase: true));
        await using var host = new AwsHostFactory(dynamo, function, dynamo.SharedTable);
        var client = host.CreateClient();
        await client.GetAsync(environment["AWS_LWA_READINESS_CHECK_PATH"]).OkAsync();
        using var posted = await client.SendAsync(HttpMethod.Post, environment["AWS_LWA_PASS_THROUGH_PATH"], "{}");
        Assert.Equal(function == "api" ? System.Net.HttpStatusCode.NotFound : System.Net.HttpStatusCode.BadRequest, posted.StatusCode);
    }

    [Fact]
    public async Task The_table_has_the_schema_the_store_creates()
    {
        var table = CloudFormationTemplate.Map(CloudFormationTemplate.Single(Template, "AWS::DynamoDB::Table")["Properties"]);
        var reference = await dynamo.CreateTableAsync();
        var described = (await dynamo.Client.DescribeTableAsync(new DescribeTableRequest { TableName = reference })).Table;
        var timeToLive = (await dynamo.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = reference })).TimeToLiveDescription;

        Assert.Equal(
            described.KeySchema.Select(k => $"{k.AttributeName}:{k.KeyType.Value}").Order(),
            ((List<object?>)table["KeySchema"]!).Select(k => $"{CloudFormationTemplate.Map(k)["AttributeName"]}:{CloudFormationTemplate.Map(k)["KeyType"]}").Order());
        Assert.Equal(
            described.AttributeDefinitions.Select(a => $"{a.AttributeName}:{a.AttributeType.Value}").Order(),
            ((List<object?>)table["AttributeDefinitions"]!).Select(a => $"{CloudFormationTemplate.Map(a)["AttributeName"]}:{CloudFormationTemplate.Map(a)["AttributeType"]}").Order());
        Assert.Equal(timeToLive.AttributeName, CloudFormationTemplate.Map(table["TimeToLiveSpecification"])["AttributeName"]);
        Assert.Equal("PAY_PER_REQUEST", table["BillingMode"]);
        Assert.Equal(true, CloudFormationTemplate.Map(table["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"]);
        Assert.Equal("KMS", CloudFormationTemplate.Map(table["SSESpecification"])["SSEType"]);
    }

    [Fact]
    public void The_cache_user_may_touch_the_rank_index_keys_and_nothing_else()
    {
        var user = CloudFormationTemplate.OfType(Template, "AWS::ElastiCache::User")
            .Select(u => CloudFormationTemplate.Map(u.Resource["Properties"]))
            .Single(p => (string?)p["UserName"] != "default");
        var keys = ((string)user["AccessString"]!).Split(' ').Where(part => part.StartsWith('~')).ToList();
        Assert.Equal([$"~{new RedisSettings().KeyPrefix}:*"], keys);
        Assert.Contains($"user={user["UserName"]}", EnvironmentOf(AwsFunction.Api)["GameBackend__Redis__Configuration"], StringComparison.Ordinal);
    }

    private static IEnumerable<(string Method, string Path)> ApiFunctionEvents()
    {
        var (_, _, properties) = Functions().Single(f => f.Environment["GameBackend__Function"] == "api");
        return CloudFormationTemplate.Map(properties["Events"]).Values
            .Select(CloudFormationTemplate.Map)
            .Where(e => (string?)e["Type"] == "HttpApi")
            .Select(e => CloudFormationTemplate.Map(e["Properties"]))
            .Select(p => (((string)p["Method"]!).ToUpperInvariant(), (string)p["Path"]!));
    }

    /// <summary>API Gateway's path syntax: <c>{name}</c> is one segment, <c>{name+}</c> (greedy) the rest of the path.</summary>
    private static Regex RouteRegex(string path) => new(
        "^" + string.Concat(path.Split('/').Select((segment, i) => (i == 0 ? "" : "/") + (segment switch
        {
            ['{', .., '+', '}'] => ".+",
            ['{', .., '}'] => "[^/]+",
            _ => Regex.Escape(segment),
        }))) + "$",
        RegexOptions.CultureInvariant);

    /// <summary>A concrete path a route pattern matches: every parameter filled with "x".</summary>
    private static string SamplePath(string pattern) =>
        "/" + RouteParameter().Replace(pattern.TrimStart('/'), "x");

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    /// <summary>Comma-separated codes and ranges (500,502-504), as the adapter parses AWS_LWA_ERROR_STATUS_CODES.</summary>
    private static HashSet<int> StatusCodes(string text)
    {
        var codes = new HashSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            var first = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
            var last = bounds.Length == 2 ? int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) : first;
            for (var code = first; code <= last; code++)
            {
                codes.Add(code);
            }
        }

        return codes;
    }

    /// <summary>Every settable leaf of an options type as a configuration path; collections are prefixes (any key below them).</summary>
    private static IEnumerable<(string Path, bool Prefix, bool Required)> SettingPaths(string section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var path = section + ":" + property.Name;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var required = property.GetCustomAttribute<RequiredSettingAttribute>() is not null;
            if (propertyType.IsPrimitive || propertyType.IsEnum || propertyType == typeof(string) || propertyType == typeof(decimal))
            {
                yield return (path, false, required);
            }
            else if (propertyType.IsGenericType)
            {
                yield return (path, true, required);
            }
            else
            {
                foreach (var nested in SettingPaths(path, propertyType))
                {
                    yield return nested;
                }
            }
        }
    }
}
