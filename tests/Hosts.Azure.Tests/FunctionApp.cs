using System.Text.Json;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>The function app's files (src/Hosts.Azure/FunctionApp) and the repository around them.</summary>
internal static class FunctionApp
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Folder => Path.Combine(RepositoryRoot, "src", "Hosts.Azure", "FunctionApp");

    public static JsonElement HostJson => Read(Path.Combine(Folder, "host.json"));

    public static IReadOnlyList<string> FunctionFolders =>
        [.. Directory.GetDirectories(Folder).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public static JsonElement FunctionJson(string name) => Read(Path.Combine(Folder, name, "function.json"));

    public static IEnumerable<JsonElement> Bindings(string name, string direction) =>
        FunctionJson(name).GetProperty("bindings").EnumerateArray()
            .Where(b => string.Equals(b.GetProperty("direction").GetString(), direction, StringComparison.OrdinalIgnoreCase));

    public static JsonElement Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
