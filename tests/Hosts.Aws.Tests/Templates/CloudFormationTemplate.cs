using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GameBackend.Hosts.Aws.Tests.Templates;

/// <summary>
/// templates/aws/template.yaml as plain data: mappings are ordered dictionaries, sequences lists, plain scalars numbers,
/// booleans or strings, and CloudFormation's short tags (<c>!Ref</c>, <c>!Sub</c>, <c>!GetAtt</c>, …) their long JSON
/// forms (<c>{"Ref": …}</c>, <c>{"Fn::Sub": …}</c>, <c>{"Fn::GetAtt": [resource, attribute]}</c>), as CloudFormation
/// reads them.
/// </summary>
internal static class CloudFormationTemplate
{
    public static string PathOf => RepositoryFiles.PathOf("templates/aws/template.yaml");

    public static Dictionary<string, object?> Read()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(PathOf))
        {
            stream.Load(reader);
        }

        return (Dictionary<string, object?>)Convert(stream.Documents.Single().RootNode)!;
    }

    public static Dictionary<string, object?> Resources(Dictionary<string, object?> template) => Map(template["Resources"]);

    public static IEnumerable<(string Name, Dictionary<string, object?> Resource)> OfType(Dictionary<string, object?> template, string type) =>
        Resources(template).Select(kv => (kv.Key, Map(kv.Value))).Where(r => (string?)r.Item2["Type"] == type);

    public static Dictionary<string, object?> Single(Dictionary<string, object?> template, string type) =>
        OfType(template, type).Single().Resource;

    /// <summary>A function's properties with the template's Globals merged in, as SAM merges them (maps merge, the function's own values win).</summary>
    public static Dictionary<string, object?> FunctionProperties(Dictionary<string, object?> template, Dictionary<string, object?> function)
    {
        var globals = template.TryGetValue("Globals", out var g) && Map(g).TryGetValue("Function", out var f) ? Map(f) : [];
        return (Dictionary<string, object?>)Merge(globals, function.TryGetValue("Properties", out var p) ? Map(p) : [])!;
    }

    public static Dictionary<string, string> Environment(Dictionary<string, object?> properties) =>
        properties.TryGetValue("Environment", out var environment)
            ? Map(Map(environment)["Variables"]).ToDictionary(kv => kv.Key, kv => kv.Value as string ?? JsonSerializer.Serialize(kv.Value), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public static Dictionary<string, object?> Map(object? node) =>
        node as Dictionary<string, object?> ?? throw new InvalidDataException($"Expected a mapping, found {node?.GetType().Name ?? "nothing"}.");

    public static void WriteJson(object? node, Utf8JsonWriter json)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                json.WriteStartObject();
                foreach (var (key, value) in map)
                {
                    json.WritePropertyName(key);
                    WriteJson(value, json);
                }

                json.WriteEndObject();
                break;
            case List<object?> list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(item, json);
                }

                json.WriteEndArray();
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case null:
                json.WriteNullValue();
                break;
            default:
                throw new InvalidDataException($"Unexpected node {node.GetType().Name}.");
        }
    }

    public static object? DeepCopy(object? node) => node switch
    {
        Dictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => DeepCopy(kv.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(DeepCopy).ToList(),
        _ => node,
    };

    private static object? Merge(object? globals, object? own)
    {
        if (globals is Dictionary<string, object?> g && own is Dictionary<string, object?> o && !IsIntrinsic(o) && !IsIntrinsic(g))
        {
            var merged = (Dictionary<string, object?>)DeepCopy(g)!;
            foreach (var (key, value) in o)
            {
                merged[key] = merged.TryGetValue(key, out var existing) ? Merge(existing, value) : DeepCopy(value);
            }

            return merged;
        }

        return DeepCopy(own);
    }

    private static bool IsIntrinsic(Dictionary<string, object?> map) =>
        map.Count == 1 && map.Keys.Single() is var key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal) || key == "Condition");

    private static object? Convert(YamlNode node)
    {
        var value = node switch
        {
            YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Convert(kv.Value), StringComparer.Ordinal),
            YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
            YamlScalarNode scalar => Scalar(scalar),
            _ => throw new InvalidDataException($"Unexpected YAML node {node.NodeType}."),
        };

        if (node.Tag.IsEmpty || node.Tag.Value is "tag:yaml.org,2002:str" or "tag:yaml.org,2002:map" or "tag:yaml.org,2002:seq" or "?" or "!")
        {
            return value;
        }

        var function = node.Tag.Value.TrimStart('!');
        return function switch
        {
            "Ref" => new Dictionary<string, object?>(StringComparer.Ordinal) { ["Ref"] = value },
            "GetAtt" when value is string dotted => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Fn::GetAtt"] = new List<object?> { dotted[..dotted.IndexOf('.', StringComparison.Ordinal)], dotted[(dotted.IndexOf('.', StringComparison.Ordinal) + 1)..] },
            },
            "Condition" => new Dictionary<string, object?>(StringComparer.Ordinal) { ["Condition"] = value },
            _ => new Dictionary<string, object?>(StringComparer.Ordinal) { ["Fn::" + function] = value },
        };
    }

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            return text;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return text switch
        {
            "true" => true,
            "false" => false,
            "null" or "~" or "" => null,
            _ => text,
        };
    }
}
