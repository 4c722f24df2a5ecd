using System.Reflection;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;

namespace GameBackend.Api.Tests.Infrastructure;

/// <summary>docs/errors.md is the clients' list of codes: every code in the code must be in it.</summary>
public sealed class ErrorCatalogTests
{
    [Fact]
    public void Every_code_is_documented()
    {
        var docs = File.ReadAllText(FindRepositoryFile("docs/errors.md"));
        var codes = ConstantsOf(typeof(ErrorCodes)).Concat(ConstantsOf(typeof(ApiErrorCodes))).ToArray();
        Assert.NotEmpty(codes);
        var missing = codes.Where(code => !docs.Contains($"`{code}`", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "undocumented codes: " + string.Join(", ", missing));
    }

    [Fact]
    public void Codes_are_snake_case()
    {
        foreach (var code in ConstantsOf(typeof(ErrorCodes)).Concat(ConstantsOf(typeof(ApiErrorCodes))))
        {
            Assert.Matches("^[a-z]+(_[a-z]+)*$", code);
        }
    }

    private static IEnumerable<string> ConstantsOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, FieldType: var t } && t == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static string FindRepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
