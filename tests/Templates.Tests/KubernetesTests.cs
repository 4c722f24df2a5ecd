using System.Globalization;
using System.Net;
using GameBackend.SessionRelay;
using static GameBackend.Templates.Tests.Repository;

namespace GameBackend.Templates.Tests;

/// <summary>
/// templates/relay/kubernetes, parsed (YamlDotNet) and checked for what no cluster is here to check: the objects
/// point at each other, the pods run as non-root, drain before they are killed, probe routes the relay serves and
/// open the relay's own ports, and every setting they pass is one the relay knows and accepts.
/// </summary>
public sealed class KubernetesTests
{
    private static readonly Dictionary<string, Dictionary<string, object?>> Objects = KubernetesObjects();

    private static Dictionary<string, object?> Deployment => Objects["Deployment"];

    private static Dictionary<string, object?> Container => (Dictionary<string, object?>)List(Deployment, "spec.template.spec.containers").Single()!;

    private static Dictionary<string, string> PodLabels => Labels(Deployment, "spec.template.metadata.labels");

    [Fact]
    public void Every_yaml_file_parses_and_every_document_is_a_named_object()
    {
        var files = Directory.GetFiles(KubernetesFolder, "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            foreach (var document in ReadYamlDocuments(file))
            {
                Assert.False(string.IsNullOrEmpty(Text(document, "apiVersion")), file);
                Assert.False(string.IsNullOrEmpty(Text(document, "kind")), file);
                if (Text(document, "kind") != "Kustomization")
                {
                    Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Text(document, "metadata.name"));
                }
            }
        }
    }

    [Fact]
    public void The_kustomization_lists_exactly_the_manifests_in_the_folder()
    {
        var kustomization = ReadYamlDocuments(Path.Combine(KubernetesFolder, "kustomization.yaml")).Single();
        var listed = List(kustomization, "resources").Cast<string>().Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(KubernetesFolder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(present, listed);
        Assert.Equal(
            ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret", "Service"],
            Objects.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_deployment_selects_its_own_pods()
    {
        var selector = Labels(Deployment, "spec.selector.matchLabels");
        Assert.NotEmpty(selector);
        Assert.All(selector, kv => Assert.Equal(kv.Value, PodLabels.GetValueOrDefault(kv.Key)));
    }

    [Fact]
    public void Pods_run_as_non_root_without_privileges()
    {
        var pod = Map(Deployment, "spec.template.spec.securityContext");
        Assert.Equal("true", pod["runAsNonRoot"]);
        Assert.NotEqual(0, Number(pod, "runAsUser"));
        Assert.Equal("false", Text(Container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal("true", Text(Container, "securityContext.readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], List(Container, "securityContext.capabilities.drop").Cast<string>());
        Assert.Null(At(Container, "securityContext.privileged"));
    }

    [Fact]
    public void Termination_waits_for_the_prestop_pause_plus_a_full_drain()
    {
        var preStop = Map(Container, "lifecycle.preStop");
        Assert.NotEmpty(preStop);
        var pause = preStop.ContainsKey("sleep") ? Number(preStop, "sleep.seconds") : 0;
        var drain = double.Parse(EffectiveSetting("DrainSeconds") ?? RelayFacts.Defaults.DrainSeconds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var grace = Number(Deployment, "spec.template.spec.terminationGracePeriodSeconds");
        Assert.True(grace >= pause + drain + RelayFacts.ShutdownMarginSeconds,
            $"terminationGracePeriodSeconds {grace} < preStop {pause} + DrainSeconds {drain} + {RelayFacts.ShutdownMarginSeconds}: the kubelet would kill running games.");
    }

    [Fact]
    public void Probes_ask_routes_the_relay_serves_on_its_http_port()
    {
        Assert.Equal("/readyz", Text(Container, "readinessProbe.httpGet.path"));
        Assert.Equal("/healthz", Text(Container, "livenessProbe.httpGet.path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Contains(Text(Container, $"{probe}.httpGet.path"), RelayFacts.Routes);
            Assert.Equal(RelayFacts.HttpPort, ContainerPort(Text(Container, $"{probe}.httpGet.port")).Port);
        }
    }

    [Fact]
    public void Container_ports_are_the_relays_ports()
    {
        var game = ContainerPort("game");
        Assert.Equal("UDP", game.Protocol);
        Assert.Equal(RelayFacts.UdpPort, game.Port);
        Assert.Equal(IPEndPoint.Parse(EffectiveSetting("Endpoint") ?? RelayFacts.Defaults.Endpoint).Port, game.Port);
        Assert.Equal(new Uri(EffectiveSetting("HttpUrls") ?? RelayFacts.Defaults.HttpUrls).Port, ContainerPort("http").Port);
        Assert.EndsWith($":{game.Port}", EffectiveSetting("PublicEndpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public void Resources_request_cpu_and_memory_and_cap_memory()
    {
        Assert.NotNull(At(Container, "resources.requests.cpu"));
        Assert.NotNull(At(Container, "resources.requests.memory"));
        Assert.NotNull(At(Container, "resources.limits.memory"));
    }

    [Fact]
    public void The_service_carries_udp_to_the_game_port_of_the_same_pods()
    {
        var service = Objects["Service"];
        var selector = Labels(service, "spec.selector");
        Assert.All(selector, kv => Assert.Equal(kv.Value, PodLabels.GetValueOrDefault(kv.Key)));
        var udp = List(service, "spec.ports").Cast<Dictionary<string, object?>>().Single(p => (string?)p.GetValueOrDefault("protocol") == "UDP");
        var target = Text(udp, "targetPort");
        Assert.Equal(ContainerPort("game").Port, int.TryParse(target, out var n) ? n : ContainerPort(target).Port);
    }

    [Fact]
    public void The_disruption_budget_covers_the_deployments_pods()
    {
        var pdb = Objects["PodDisruptionBudget"];
        Assert.Equal(Labels(Deployment, "spec.selector.matchLabels"), Labels(pdb, "spec.selector.matchLabels"));
        Assert.True(At(pdb, "spec.maxUnavailable") is not null || At(pdb, "spec.minAvailable") is not null);
    }

    [Fact]
    public void The_autoscaler_scales_the_deployment_on_cpu()
    {
        var hpa = Objects["HorizontalPodAutoscaler"];
        Assert.Equal("autoscaling/v2", Text(hpa, "apiVersion"));
        Assert.Equal("Deployment", Text(hpa, "spec.scaleTargetRef.kind"));
        Assert.Equal(Text(Deployment, "metadata.name"), Text(hpa, "spec.scaleTargetRef.name"));
        Assert.Contains(List(hpa, "spec.metrics"), m => Text(m, "type") == "Resource" && Text(m, "resource.name") == "cpu");
        Assert.True(Number(hpa, "spec.minReplicas") is >= 1 and var min && min <= Number(hpa, "spec.maxReplicas"));
    }

    [Fact]
    public void The_pods_read_the_config_map_and_secret_that_exist()
    {
        var sources = List(Container, "envFrom");
        Assert.Contains(sources, s => At(s, "configMapRef.name") as string == Text(Objects["ConfigMap"], "metadata.name"));
        Assert.Contains(sources, s => At(s, "secretRef.name") as string == Text(Objects["Secret"], "metadata.name"));
    }

    [Fact]
    public void Every_relay_setting_names_an_option_and_together_they_pass_the_relays_validator()
    {
        var known = typeof(RelayOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var settings = Environment().Where(kv => kv.Key.StartsWith("Relay__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(settings);
        Assert.All(settings, kv => Assert.Contains(kv.Key.Split("__")[1], known));
        // What the downward API fills in on a real node.
        var result = RelayFacts.Validate(settings.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value
            .Replace("$(HOST_IP)", "192.0.2.1", StringComparison.Ordinal)
            .Replace("$(POD_NAME)", "session-relay-5d8f7c9b6-x2k4q", StringComparison.Ordinal))));
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    /// <summary>The container's environment as the kubelet builds it: ConfigMap, then Secret, then explicit env (last wins).</summary>
    private static Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(Objects["ConfigMap"], "data"))
        {
            environment[key] = (string)value!;
        }

        foreach (var (key, value) in Map(Objects["Secret"], "stringData"))
        {
            environment[key] = (string)value!;
        }

        foreach (var variable in List(Container, "env"))
        {
            environment[Text(variable, "name")] = At(variable, "value") as string ?? "(from the downward API)";
        }

        return environment;
    }

    private static string? EffectiveSetting(string option) => Environment().GetValueOrDefault("Relay__" + option);

    private static (int Port, string Protocol) ContainerPort(string name)
    {
        var port = List(Container, "ports").Single(p => Text(p, "name") == name);
        return (Number(port, "containerPort"), At(port, "protocol") as string ?? "TCP");
    }
}
