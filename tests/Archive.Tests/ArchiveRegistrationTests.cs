using GameBackend.Archive.Blob;
using GameBackend.Archive.Parquet;
using GameBackend.Archive.S3;
using GameBackend.Archive.Tests.Blob;
using GameBackend.Archive.Tests.S3;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GameBackend.Archive.Tests;

/// <summary>
/// What the hosts call: each registration wires an archive that writes to its store, and refuses unusable settings
/// at start (the check <c>ValidateOnStart</c> runs when a host starts) with a message naming the key.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class S3ArchiveRegistrationTests(S3rverFixture s3)
{
    [Fact]
    public async Task The_registered_archive_writes_parquet_objects_into_the_configured_bucket_under_the_prefix()
    {
        var bucket = await s3.CreateBucketAsync();
        using var services = Registrations.Build(
            static (services, configuration) => services.AddS3EventArchive(configuration),
            new()
            {
                ["GameBackend:Archive:S3:BucketName"] = bucket,
                ["GameBackend:Archive:S3:Prefix"] = "prod/",
                ["GameBackend:Archive:S3:ServiceUrl"] = s3.ServiceUrl,
                ["GameBackend:Archive:S3:ForcePathStyle"] = "true",
                ["GameBackend:Archive:Compression"] = "Zstd",
            },
            // The SDK's default credential chain has nothing on a build machine; these are s3rver's.
            environment: [("AWS_ACCESS_KEY_ID", "S3RVER"), ("AWS_SECRET_ACCESS_KEY", "S3RVER")]);

        services.GetRequiredService<IStartupValidator>().Validate();
        await services.GetRequiredService<IEventArchive>().ArchiveAsync("b1", [Registrations.Event]);

        var listing = await s3.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        Assert.Equal([$"prod/events/title={Registrations.Event.TitleId}/date=2026-11-25/hour=13/b1.parquet"], listing.S3Objects.Select(o => o.Key));
    }

    [Theory]
    [InlineData(null, null, "GameBackend:Archive:S3:BucketName")]
    [InlineData("bucket", "no-slash", "GameBackend:Archive:S3:Prefix")]
    [InlineData("bucket", null, "GameBackend:Archive:RowGroupSize", "0")]
    public void Unusable_settings_stop_the_host_at_start(string? bucket, string? prefix, string key, string? rowGroupSize = null)
    {
        using var services = Registrations.Build(
            static (services, configuration) => services.AddS3EventArchive(configuration),
            new()
            {
                ["GameBackend:Archive:S3:BucketName"] = bucket,
                ["GameBackend:Archive:S3:Prefix"] = prefix,
                ["GameBackend:Archive:RowGroupSize"] = rowGroupSize,
            });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class BlobArchiveRegistrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_registered_archive_writes_parquet_blobs_into_the_configured_container()
    {
        var container = await azurite.CreateContainerAsync();
        using var services = Registrations.Build(
            static (services, configuration) => services.AddBlobEventArchive(configuration),
            new()
            {
                ["GameBackend:Archive:Blob:ConnectionString"] = azurite.ConnectionString,
                ["GameBackend:Archive:Blob:ContainerName"] = container.Name,
            });

        services.GetRequiredService<IStartupValidator>().Validate();
        await services.GetRequiredService<IEventArchive>().ArchiveAsync("b1", [Registrations.Event]);

        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal([$"events/title={Registrations.Event.TitleId}/date=2026-11-25/hour=13/b1.parquet"], names);
    }

    [Theory]
    [InlineData(false, null, "archive", "ConnectionString and ServiceUri")]
    [InlineData(true, "https://account.blob.core.windows.net", "archive", "ConnectionString and ServiceUri")]
    [InlineData(true, null, null, "GameBackend:Archive:Blob:ContainerName")]
    [InlineData(true, null, "Not_A_Container", "GameBackend:Archive:Blob:ContainerName")]
    public void Unusable_settings_stop_the_host_at_start(bool connectionString, string? serviceUri, string? container, string expected)
    {
        using var services = Registrations.Build(
            static (services, configuration) => services.AddBlobEventArchive(configuration),
            new()
            {
                ["GameBackend:Archive:Blob:ConnectionString"] = connectionString ? azurite.ConnectionString : null,
                ["GameBackend:Archive:Blob:ServiceUri"] = serviceUri,
                ["GameBackend:Archive:Blob:ContainerName"] = container,
            });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}

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
