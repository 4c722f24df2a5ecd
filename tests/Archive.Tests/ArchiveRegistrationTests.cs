using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GameBackend.Archive.Tests;

/// <summary>
/// What the hosts call: the registration wires an archive that writes to the host's store, and refuses unusable
/// settings at start (the check <c>ValidateOnStart</c> runs when a host starts) with a message naming the key.
/// </summary>
public sealed class ParquetArchiveRegistrationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "gamebackend-archive-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_archive_writes_through_whichever_object_store_the_host_registered()
    {
        using var services = Registrations.Build(
            (services, configuration) => services.AddSingleton<IObjectStore>(new FolderObjectStore(folder)).AddParquetEventArchive(configuration),
            []);

        services.GetRequiredService<IStartupValidator>().Validate();
        await services.GetRequiredService<IEventArchive>().ArchiveAsync("b1", [Registrations.Event]);

        Assert.True(File.Exists(Path.Combine(folder, "events", $"title={Registrations.Event.TitleId}", "date=2026-11-25", "hour=13", "b1.parquet")));
    }

    [Theory]
    [InlineData("GameBackend:Archive:RowGroupSize", "0")]
    [InlineData("GameBackend:Archive:MaxConcurrentWrites", "65")]
    [InlineData("GameBackend:Archive:Compression", "7")]
    public void Unusable_settings_stop_the_host_at_start(string key, string value)
    {
        using var services = Registrations.Build(
            (services, configuration) => services.AddSingleton<IObjectStore>(new FolderObjectStore(folder)).AddParquetEventArchive(configuration),
            new() { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

internal static class Registrations
{
    public static readonly BackendEvent Event = new(
        "0193a5b2c4d57e8f9a0b1c2d3e4f5a6b", "e1", "app_open", new DateTimeOffset(2026, 11, 25, 13, 5, 0, TimeSpan.Zero), "p1", null, null);

    public static ServiceProvider Build(
        Action<IServiceCollection, IConfiguration> register,
        Dictionary<string, string?> settings,
        (string Name, string Value)[]? environment = null)
    {
        foreach (var (name, value) in environment ?? [])
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        register(services, configuration);
        return services.BuildServiceProvider();
    }
}
