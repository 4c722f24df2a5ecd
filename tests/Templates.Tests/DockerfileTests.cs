using System.Text.RegularExpressions;

namespace GameBackend.Templates.Tests;

/// <summary>
/// src/SessionRelay/Dockerfile, read as text (no Docker engine here): multi-stage, Native AOT publish in the SDK stage,
/// a small non-root runtime stage that runs the relay's own executable and exposes the relay's own ports.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] Lines = ReadInstructions(Repository.PathOf("src/SessionRelay/Dockerfile"));

    private static List<string[]> Stages
    {
        get
        {
            var stages = new List<string[]>();
            var current = new List<string>();
            foreach (var line in Lines)
            {
                if (line.StartsWith("FROM ", StringComparison.Ordinal) && current.Count > 0)
                {
                    stages.Add([.. current]);
                    current = [];
                }

                if (line.StartsWith("FROM ", StringComparison.Ordinal) || current.Count > 0)
                {
                    current.Add(line);
                }
            }

            stages.Add([.. current]);
            return stages;
        }
    }

    [Fact]
    public void Is_multi_stage_sdk_then_runtime_deps()
    {
        Assert.True(Stages.Count >= 2, "The Dockerfile has one stage.");
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:\S+ AS build$", Stages[0][0]);
        Assert.Matches(@"^FROM (mcr\.microsoft\.com/dotnet/runtime-deps|gcr\.io/distroless/\S+)", Stages[^1][0]);
    }

    [Fact]
    public void Build_stage_has_the_native_toolchain_and_publishes_with_PublishAot_for_linux_x64()
    {
        var build = string.Join('\n', Stages[0]);
        Assert.Contains("clang", build, StringComparison.Ordinal);
        Assert.Contains("zlib1g-dev", build, StringComparison.Ordinal);
        var publish = Assert.Single(Stages[0], l => l.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("src/SessionRelay/SessionRelay.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishAot=true", publish, StringComparison.Ordinal);
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_stage_copies_only_the_executable_and_runs_it_as_the_entrypoint()
    {
        var final = Stages[^1];
        var copy = Assert.Single(final, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        Assert.EndsWith($"/out/{RelayFacts.AssemblyName} /app/{RelayFacts.AssemblyName}", copy, StringComparison.Ordinal);
        var entrypoint = Assert.Single(final, l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        Assert.Equal($"ENTRYPOINT [\"/app/{RelayFacts.AssemblyName}\"]", entrypoint);
    }

    [Fact]
    public void Runs_as_a_numeric_non_root_user_the_deployment_also_names()
    {
        var user = Assert.Single(Stages[^1], l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..];
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"USER {user} is not a numeric non-root uid (Kubernetes' runAsNonRoot can only verify a number).");
        var deployment = Repository.KubernetesObjects()["Deployment"];
        Assert.Equal(uid, Repository.Number(deployment, "spec.template.spec.securityContext.runAsUser"));
    }

    [Fact]
    public void Exposes_the_relays_default_ports_and_sets_them_explicitly()
    {
        var exposed = Assert.Single(Stages[^1], l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ').Skip(1).ToHashSet();
        Assert.Contains($"{RelayFacts.UdpPort}/udp", exposed);
        Assert.Contains($"{RelayFacts.HttpPort}/tcp", exposed);
        var env = string.Join(' ', Stages[^1].Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)));
        Assert.Contains($"Relay__Endpoint=0.0.0.0:{RelayFacts.UdpPort}", env, StringComparison.Ordinal);
        Assert.Contains($"Relay__HttpUrls=http://0.0.0.0:{RelayFacts.HttpPort}", env, StringComparison.Ordinal);
    }

    [Fact]
    public void Healthcheck_asks_a_route_the_relay_serves_on_its_http_port()
    {
        var check = Assert.Single(Stages[^1], l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        var match = HealthcheckTarget().Match(check);
        Assert.True(match.Success, check);
        Assert.Equal(RelayFacts.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["port"].Value);
        Assert.Contains(match.Groups["path"].Value, RelayFacts.Routes);
    }

    /// <summary>Instructions, one per string: comments dropped, backslash continuations joined, whitespace collapsed.</summary>
    private static string[] ReadInstructions(string path)
    {
        var joined = new List<string>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            joined.Add(Whitespace().Replace(pending + line, " "));
            pending = "";
        }

        return [.. joined];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+).*GET (?<path>/\S+) HTTP")]
    private static partial Regex HealthcheckTarget();
}
