using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace GameBackend.Templates.Tests;

/// <summary>Finds the repository's files from the test's output folder, and reads YAML into plain dictionaries and lists.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string KubernetesFolder => PathOf("templates/relay/kubernetes");

    /// <summary>Every document of a YAML file, each as nested <see cref="Dictionary{TKey,TValue}"/> / <see cref="List{T}"/> / string.</summary>
    public static List<Dictionary<string, object?>> ReadYamlDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents
            .Select(d => Convert(d.RootNode) as Dictionary<string, object?> ?? throw new InvalidDataException($"{path}: a document is not a mapping."))
            .ToList();
    }

    /// <summary>All Kubernetes objects of the templates, by kind.</summary>
    public static Dictionary<string, Dictionary<string, object?>> KubernetesObjects()
    {
        var objects = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(KubernetesFolder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            foreach (var document in ReadYamlDocuments(file))
            {
                objects.Add(Text(document, "kind"), document);
            }
        }

        return objects;
    }

    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(part),
                List<object?> list when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
        }

        return node;
    }

    public static string Text(object? node, string path) =>
        At(node, path) as string ?? throw new KeyNotFoundException($"'{path}' is missing or not a scalar.");

    public static int Number(object? node, string path) => int.Parse(Text(node, path), CultureInfo.InvariantCulture);

    public static Dictionary<string, object?> Map(object? node, string path) =>
        At(node, path) as Dictionary<string, object?> ?? throw new KeyNotFoundException($"'{path}' is missing or not a mapping.");

    public static List<object?> List(object? node, string path) =>
        At(node, path) as List<object?> ?? throw new KeyNotFoundException($"'{path}' is missing or not a sequence.");

    public static Dictionary<string, string> Labels(object? node, string path) =>
        Map(node, path).ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal);

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Convert(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new InvalidDataException($"Unexpected YAML node {node.NodeType}."),
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Serverless.sln not found above the test's folder.");
    }
}
