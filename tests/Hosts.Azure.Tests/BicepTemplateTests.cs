using System.Text.Json;
using System.Text.RegularExpressions;
using Cronos;
using GameBackend.Stores.Cosmos;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>Builds templates/azure/main.bicep once with the real Bicep CLI (offline) and keeps the ARM JSON for the tests.</summary>
public sealed class BicepBuild : IAsyncLifetime
{
    public const string Template = "templates/azure/main.bicep";

    public (int ExitCode, string Stdout, string Stderr) Build { get; private set; }

    public (int ExitCode, string Stdout, string Stderr) Lint { get; private set; }

    public JsonElement Arm { get; private set; }

    public async Task InitializeAsync()
    {
        var build = BicepCli.RunAsync("build", Template, "--stdout");
        var lint = BicepCli.RunAsync("lint", Template);
        Build = await build;
        Lint = await lint;
        if (Build.ExitCode == 0)
        {
            Arm = Payloads.Parse(Build.Stdout);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public IEnumerable<JsonElement> Resources(string type)
    {
        var resources = Arm.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        return all.Where(r => r.GetProperty("type").GetString() == type);
    }

    public Dictionary<string, JsonElement> AppSettings() =>
        Assert.Single(Resources("Microsoft.Web/sites")).GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings")
            .EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value"));
}

/// <summary>
/// templates/azure/main.bicep: it builds and lints clean with the Bicep CLI, names the same functions as the code and
/// the function.json files, sets every app setting those files and the host read, and declares the Cosmos container the
/// store expects.
/// </summary>
public sealed partial class BicepTemplateTests : IClassFixture<BicepBuild>
{
    private readonly BicepBuild _bicep;

    public BicepTemplateTests(BicepBuild bicep) => _bicep = bicep;

    [Fact]
    public void The_template_builds_and_lints_without_a_warning()
    {
        Assert.True(_bicep.Build.ExitCode == 0, _bicep.Build.Stderr);
        Assert.True(string.IsNullOrWhiteSpace(_bicep.Build.Stderr), "bicep build: " + _bicep.Build.Stderr);
        Assert.True(_bicep.Lint.ExitCode == 0, _bicep.Lint.Stdout + _bicep.Lint.Stderr);
        Assert.True(string.IsNullOrWhiteSpace(_bicep.Lint.Stdout + _bicep.Lint.Stderr), "bicep lint: " + _bicep.Lint.Stdout + _bicep.Lint.Stderr);
    }

    [Fact]
    public void The_template_names_exactly_the_functions_of_the_code_and_of_the_function_json_files()
    {
        var named = _bicep.Arm.GetProperty("variables").GetProperty("functionNames").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(AzureFunctionNames.All.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
        Assert.Equal(FunctionApp.FunctionFolders, named.Order(StringComparer.Ordinal));

        // Settings that address a function by name (AzureWebJobs.<function>.Disabled) name one that exists.
        foreach (var setting in _bicep.AppSettings().Keys.Where(k => k.StartsWith("AzureWebJobs.", StringComparison.Ordinal)))
        {
            Assert.Contains(setting.Split('.')[1], AzureFunctionNames.All);
        }
    }

    [Fact]
    public void Every_setting_a_function_json_names_is_set_by_the_template()
    {
        var settings = _bicep.AppSettings();
        foreach (var name in AzureFunctionNames.All)
        {
            var json = File.ReadAllText(Path.Combine(FunctionApp.Folder, name, "function.json"));
            foreach (Match match in SettingReference().Matches(json))
            {
                Assert.True(settings.ContainsKey(match.Groups[1].Value), $"{name}/function.json reads %{match.Groups[1].Value}%, which the template does not set");
            }
        }
    }

    [Fact]
    public void The_default_tick_schedule_is_a_six_field_NCRONTAB()
    {
        var schedule = _bicep.Arm.GetProperty("parameters").GetProperty("matchmakingTickSchedule").GetProperty("defaultValue").GetString()!;
        Assert.Equal(6, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var cron = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        var now = DateTime.UtcNow;
        Assert.Equal(TimeSpan.FromSeconds(5), cron.GetNextOccurrence(cron.GetNextOccurrence(now)!.Value)!.Value - cron.GetNextOccurrence(now)!.Value);
    }

    [Fact]
    public void The_host_gets_its_store_cache_and_telemetry_settings_and_no_secret_in_plain_text()
    {
        var settings = _bicep.AppSettings();
        foreach (var required in new[]
        {
            "Cosmos__Endpoint", "Cosmos__Database", "Cosmos__Container", "Cosmos__ManagedIdentityClientId",
            "GameBackend__Azure__RedisConnectionString", "AzureWebJobsStorage__accountName", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "GameBackend__Kafka__BootstrapServers", "GameBackend__Kafka__Topic", "GameBackend__Kafka__SaslPassword",
            "GameBackend__Archive__Blob__ServiceUri", "GameBackend__Archive__Blob__ContainerName", "GameBackend__Azure__ManagedIdentityClientId",
        })
        {
            Assert.True(settings.ContainsKey(required), required);
        }

        // Keys travel as Key Vault references, resolved by the platform with the managed identity.
        foreach (var secret in new[] { "GameBackend__Azure__RedisConnectionString", "KafkaPassword", "GameBackend__Kafka__SaslPassword" })
        {
            Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri=", settings[secret].GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(settings.Keys, k => k.Equals("Cosmos__Key", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_function_app_is_a_Flex_Consumption_custom_handler()
    {
        var plan = Assert.Single(_bicep.Resources("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        var runtime = Assert.Single(_bicep.Resources("Microsoft.Web/sites")).GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("custom", runtime.GetProperty("name").GetString());
    }

    [Fact]
    public void The_Cosmos_container_is_the_one_the_store_declares_and_serverless_with_TTL_on()
    {
        var account = Assert.Single(_bicep.Resources("Microsoft.DocumentDB/databaseAccounts"));
        Assert.Contains(account.GetProperty("properties").GetProperty("capabilities").EnumerateArray(), c => c.GetProperty("name").GetString() == "EnableServerless");
        Assert.True(account.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());

        // The store's contract: a write is visible to the next read from any instance, which only Strong gives.
        Assert.Equal("Strong", account.GetProperty("properties").GetProperty("consistencyPolicy").GetProperty("defaultConsistencyLevel").GetString());

        var resource = Assert.Single(_bicep.Resources("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")).GetProperty("properties").GetProperty("resource");
        var expected = CosmosDocumentContainer.Properties("documents");
        Assert.Equal(expected.PartitionKeyPath, Assert.Single(resource.GetProperty("partitionKey").GetProperty("paths").EnumerateArray()).GetString());
        Assert.Equal(2, resource.GetProperty("partitionKey").GetProperty("version").GetInt32());
        Assert.Equal(expected.DefaultTimeToLive, resource.GetProperty("defaultTtl").GetInt32());
        var policy = resource.GetProperty("indexingPolicy");
        Assert.Equal(expected.IndexingPolicy.IncludedPaths.Select(p => p.Path), policy.GetProperty("includedPaths").EnumerateArray().Select(p => p.GetProperty("path").GetString()));
        Assert.Equal(expected.IndexingPolicy.ExcludedPaths.Select(p => p.Path), policy.GetProperty("excludedPaths").EnumerateArray().Select(p => p.GetProperty("path").GetString()));
    }

    [GeneratedRegex("%([A-Za-z0-9_.]+)%")]
    private static partial Regex SettingReference();
}
