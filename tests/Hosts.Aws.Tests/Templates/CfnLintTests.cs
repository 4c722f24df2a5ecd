using System.Text.Json;

namespace GameBackend.Hosts.Aws.Tests.Templates;

/// <summary>templates/aws/template.yaml through cfn-lint, as far as that linter's knowledge reaches (see <see cref="CfnLint"/>).</summary>
public sealed class CfnLintTests
{
    [Fact]
    public async Task The_linter_finds_nothing_wrong()
    {
        var (exitCode, output) = await CfnLint.ValidateAsync(CfnLint.LintableCopy(CloudFormationTemplate.Read()));
        Assert.True(exitCode == 0, output);
        Assert.Contains("0 crit", output, StringComparison.Ordinal);
        Assert.Contains("Template valid!", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_linter_does_check_the_copy_it_is_given()
    {
        var copy = CfnLint.LintableCopy(CloudFormationTemplate.Read());
        var resources = CloudFormationTemplate.Resources(copy);
        var table = CloudFormationTemplate.Map(CloudFormationTemplate.Map(resources["Table"])["Properties"]);
        table["BillingMod"] = table["BillingMode"];
        var outputs = CloudFormationTemplate.Map(copy["Outputs"]);
        outputs["Broken"] = new Dictionary<string, object?> { ["Value"] = new Dictionary<string, object?> { ["Fn::GetAtt"] = new List<object?> { "Table", "NoSuchAttribute" } } };
        var role = CloudFormationTemplate.Map(CloudFormationTemplate.Map(resources["ArchiveBucketPolicy"])["Properties"]);
        role["Bucket"] = new Dictionary<string, object?> { ["Ref"] = "NoSuchBucket" };

        var (exitCode, output) = await CfnLint.ValidateAsync(copy);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("BillingMod is not a valid property", output, StringComparison.Ordinal);
        Assert.Contains("NoSuchAttribute", output, StringComparison.Ordinal);
        Assert.Contains("NoSuchBucket", output, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_copy_leaves_out_is_truly_unknown_to_the_linter()
    {
        var data = CfnLint.DataFolder();
        using var aws = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "aws_resources_specification.json")));
        using var sam = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "sam_20161031_cfn.json")));

        foreach (var type in CfnLint.TooNewTypes.Keys)
        {
            if (type == "AWS::Lambda::EventSourceMapping")
            {
                var properties = aws.RootElement.GetProperty("ResourceTypes").GetProperty(type).GetProperty("Properties");
                Assert.False(properties.TryGetProperty("Topics", out _), "the linter knows Kafka event sources now; lint the mappings");
                Assert.False(properties.TryGetProperty("SourceAccessConfigurations", out _), "the linter knows Kafka event sources now; lint the mappings");
                continue;
            }

            Assert.False(Knows(aws, type, null) || Knows(sam, type, null), $"the linter knows {type} now; stop leaving it out");
        }

        foreach (var (_, _, specType, property) in CfnLint.TooNewProperties)
        {
            Assert.False(Knows(aws, specType, property) || Knows(sam, specType, property), $"the linter knows {specType}.{property} now; stop leaving it out");
        }
    }

    /// <summary>Whether a specification has the resource type (property null) or the property of a resource or property type.</summary>
    private static bool Knows(JsonDocument specification, string type, string? property)
    {
        foreach (var section in new[] { "ResourceTypes", "PropertyTypes" })
        {
            if (specification.RootElement.TryGetProperty(section, out var types) && types.TryGetProperty(type, out var entry))
            {
                if (property is null)
                {
                    return true;
                }

                if (entry.TryGetProperty("Properties", out var properties) && properties.TryGetProperty(property, out _))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
