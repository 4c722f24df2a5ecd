using System.Reflection;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>docs/errors.md lists every code a client or operator can see, the AWS host's own too.</summary>
public sealed class ErrorCodeTests
{
    [Fact]
    public void Every_code_of_the_host_is_documented_and_snake_case()
    {
        var docs = File.ReadAllText(RepositoryFiles.PathOf("docs/errors.md"));
        var codes = typeof(HostErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.NotEmpty(codes);
        Assert.All(codes, code =>
        {
            Assert.Matches("^[a-z]+(_[a-z]+)*$", code);
            Assert.Contains($"`{code}`", docs, StringComparison.Ordinal);
        });
    }
}
