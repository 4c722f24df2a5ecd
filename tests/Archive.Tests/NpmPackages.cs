namespace GameBackend.Archive.Tests;

/// <summary>Where the npm test servers (s3rver, azurite) are: eng/test.sh installs them and names their scripts.</summary>
public static class NpmPackages
{
    /// <summary>
    /// The package's script: <paramref name="variable"/> when set, else where eng/test.sh installs it
    /// (<c>$XDG_CACHE_HOME/gamebackend/{cacheFolder}/node_modules/{scriptInPackage}</c>). A missing package fails the tests
    /// with a message saying how to install it; it never skips them.
    /// </summary>
    public static string FindScript(string variable, string cacheFolder, string scriptInPackage, string package)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"{variable} names {configured}, which does not exist. Run eng/test.sh, which installs {package}.");
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var script = Path.Combine(cache, "gamebackend", cacheFolder, "node_modules", scriptInPackage);
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException(
                $"{package} is not installed: {variable} is not set and {script} does not exist. "
                + $"Run eng/test.sh once (it installs the npm package {package} into that cache and needs node), or set {variable}.");
    }
}
