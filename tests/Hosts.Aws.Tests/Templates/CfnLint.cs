using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GameBackend.Hosts.Aws.Tests.Templates;

/// <summary>
/// Runs the npm package <c>cfn-lint</c> (the JavaScript linter, 1.9.x; eng/test.sh installs it and names its
/// executable in <see cref="ExecutableVariable"/>). Its resource specification predates much of what the template
/// uses, and it expands SAM only partly: it validates Globals as written instead of merging them into the functions.
/// So it is given a copy that SAM's merge has been applied to, without the resource types and properties its
/// specification lacks (<see cref="TooNewTypes"/>, <see cref="TooNewProperties"/>); references to a removed resource
/// become placeholder strings. Everything else it validates: resource types and property names, value types,
/// references, GetAtt attributes, Sub variables, conditions, parameters.
/// </summary>
internal static partial class CfnLint
{
    public const string ExecutableVariable = "CFN_LINT";

    /// <summary>Resource types absent from the linter's specification (the test proves they are absent), and why they are used.</summary>
    public static readonly IReadOnlyDictionary<string, string> TooNewTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS::Serverless::HttpApi"] = "API Gateway HTTP API (2019); the linter knows only the REST API",
        ["AWS::ElastiCache::ServerlessCache"] = "ElastiCache Serverless (2023)",
        ["AWS::ElastiCache::User"] = "ElastiCache RBAC users (2021)",
        ["AWS::ElastiCache::UserGroup"] = "ElastiCache RBAC user groups (2021)",
        ["AWS::Lambda::EventSourceMapping"] = "known, but only with the properties of 2018: Kafka sources (Topics, SourceAccessConfigurations, SelfManagedEventSource, consumer groups) came later",
    };

    /// <summary>
    /// Properties absent from the linter's specification, by resource type and path ('*' for any key or item), with the
    /// specification entry the test checks them against (property type, property name).
    /// </summary>
    public static readonly IReadOnlyList<(string ResourceType, string Path, string SpecType, string SpecProperty)> TooNewProperties =
    [
        ("AWS::Serverless::Function", "Architectures", "AWS::Serverless::Function", "Architectures"),
        ("AWS::Serverless::Function", "Layers", "AWS::Serverless::Function", "Layers"),
        ("AWS::Serverless::Function", "Events/*/Properties/ApiId", "AWS::Serverless::Function.ApiEvent", "ApiId"),
        ("AWS::Serverless::Function", "Events/*/Properties/RetryPolicy", "AWS::Serverless::Function.ScheduleEvent", "RetryPolicy"),
        ("AWS::DynamoDB::Table", "DeletionProtectionEnabled", "AWS::DynamoDB::Table", "DeletionProtectionEnabled"),
        ("AWS::DynamoDB::Table", "SSESpecification/SSEType", "AWS::DynamoDB::Table.SSESpecification", "SSEType"),
        ("AWS::DynamoDB::Table", "SSESpecification/KMSMasterKeyId", "AWS::DynamoDB::Table.SSESpecification", "KMSMasterKeyId"),
        ("AWS::S3::Bucket", "OwnershipControls", "AWS::S3::Bucket", "OwnershipControls"),
        ("AWS::S3::Bucket", "BucketEncryption/ServerSideEncryptionConfiguration/*/BucketKeyEnabled", "AWS::S3::Bucket.ServerSideEncryptionRule", "BucketKeyEnabled"),
    ];

    public static string Executable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{ExecutableVariable} names {configured}, which does not exist. Run eng/test.sh, which installs cfn-lint.");
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var installed = Path.Combine(cache, "gamebackend", "cfn-lint", "node_modules", ".bin", "cfn-lint");
        return File.Exists(installed)
            ? installed
            : throw new InvalidOperationException(
                $"cfn-lint is not installed: {ExecutableVariable} is not set and {installed} does not exist. "
                + "Run eng/test.sh once (it installs the npm package cfn-lint into that cache), or set " + ExecutableVariable + ".");
    }

    /// <summary>The linter's own data files (its resource and SAM specifications), beside its executable.</summary>
    public static string DataFolder()
    {
        var bin = Path.GetDirectoryName(Path.GetFullPath(Executable()))!;
        return Path.Combine(bin, "..", "cfn-lint", "data");
    }

    /// <summary>The copy the linter can read: Globals merged, too-new types and properties removed, as JSON.</summary>
    public static Dictionary<string, object?> LintableCopy(Dictionary<string, object?> template)
    {
        var copy = (Dictionary<string, object?>)CloudFormationTemplate.DeepCopy(template)!;
        var resources = CloudFormationTemplate.Resources(copy);
        foreach (var (_, function) in CloudFormationTemplate.OfType(copy, "AWS::Serverless::Function").ToList())
        {
            function["Properties"] = CloudFormationTemplate.FunctionProperties(template, function);
        }

        copy.Remove("Globals");
        var removed = resources.Where(kv => TooNewTypes.ContainsKey((string)CloudFormationTemplate.Map(kv.Value)["Type"]!)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var name in removed)
        {
            resources.Remove(name);
        }

        foreach (var (type, path, _, _) in TooNewProperties)
        {
            foreach (var (_, resource) in CloudFormationTemplate.OfType(copy, type))
            {
                if (resource.TryGetValue("Properties", out var properties))
                {
                    Strip(properties, path.Split('/'));
                }
            }
        }

        copy["Resources"] = WithoutReferencesTo(resources, removed);
        if (copy.TryGetValue("Outputs", out var outputs))
        {
            copy["Outputs"] = WithoutReferencesTo(outputs, removed);
        }

        return copy;
    }

    public static async Task<(int ExitCode, string Output)> ValidateAsync(Dictionary<string, object?> template)
    {
        var file = Path.Combine(Path.GetTempPath(), $"gamebackend-template-{Guid.NewGuid():N}.json");
        try
        {
            await using (var stream = File.Create(file))
            await using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                CloudFormationTemplate.WriteJson(template, json);
            }

            var start = new ProcessStartInfo(Executable())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("validate");
            start.ArgumentList.Add(file);
            start.ArgumentList.Add("--verbose");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("cfn-lint did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, Ansi().Replace(await stdout + await stderr, ""));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex Ansi();

    private static void Strip(object? node, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
        {
            return;
        }

        var head = path[0];
        var rest = path[1..];
        if (head == "*")
        {
            var children = node switch
            {
                Dictionary<string, object?> map => map.Values.ToList(),
                List<object?> list => list,
                _ => [],
            };
            foreach (var child in children)
            {
                Strip(child, rest);
            }
        }
        else if (node is Dictionary<string, object?> map)
        {
            if (rest.IsEmpty)
            {
                map.Remove(head);
            }
            else if (map.TryGetValue(head, out var child))
            {
                Strip(child, rest);
            }
        }
    }

    private static object? WithoutReferencesTo(object? node, HashSet<string> removed)
    {
        switch (node)
        {
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Ref", out var target) && target is string name && removed.Contains(name):
                return "removed-" + name;
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Fn::GetAtt", out var attribute) && attribute is List<object?> { Count: 2 } pair && removed.Contains((string)pair[0]!):
                return "removed-" + pair[0];
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Fn::Sub", out var sub) && sub is string text:
                return new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["Fn::Sub"] = SubVariable().Replace(text, m => removed.Contains(m.Groups["resource"].Value) ? "removed" : m.Value),
                };
            case Dictionary<string, object?> map:
                return map.ToDictionary(kv => kv.Key, kv => WithoutReferencesTo(kv.Value, removed), StringComparer.Ordinal);
            case List<object?> list:
                return list.Select(item => WithoutReferencesTo(item, removed)).ToList();
            default:
                return node;
        }
    }

    [GeneratedRegex(@"\$\{(?<resource>[A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}")]
    private static partial Regex SubVariable();
}
