using System.Diagnostics;
using System.Reflection;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored by this project's PackageDownload; the
/// path is baked into the assembly at build time). Offline: the template uses no registry modules, so neither build
/// nor lint reaches the network.
/// </summary>
internal static class BicepCli
{
    public static string Executable { get; } = Find();

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = FunctionApp.RepositoryRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No telemetry, no update check: the machine has no internet and the run must not wait for it.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Find()
    {
        var folder = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;
        var executable = Path.Combine(folder, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {executable}: restore tests/Hosts.Azure.Tests (its PackageDownload of Azure.Bicep.CommandLine.linux-x64 brings it).");
        }

        // NuGet does not always keep the executable bit when it extracts a package (the package is linux-x64 only).
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package restored here is the linux-x64 one.");
        }

        var mode = File.GetUnixFileMode(executable);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(executable, mode | UnixFileMode.UserExecute);
        }

        return executable;
    }
}
