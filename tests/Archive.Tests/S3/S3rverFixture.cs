using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using GameBackend.Archive.S3;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Archive.Tests.S3;

/// <summary>
/// One s3rver (the npm package, an S3-compatible server on the local file system) on a free 127.0.0.1 port for the
/// assembly's S3 tests. eng/test.sh installs it and names its script in <see cref="ScriptVariable"/>.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string ScriptVariable = "S3RVER_JS";

    private readonly string folder = Path.Combine(Path.GetTempPath(), "gamebackend-s3rver-" + Guid.NewGuid().ToString("N"));
    private LocalServerProcess? server;

    public string ServiceUrl { get; private set; } = null!;

    /// <summary>s3rver accepts any well-formed signature made with its default key pair.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("S3RVER", "S3RVER");

    public AmazonS3Client Client { get; private set; } = null!;

    public S3ObjectStoreOptions Options(string bucket, string prefix = "", int listPageSize = 1000) =>
        new() { BucketName = bucket, Prefix = prefix, ServiceUrl = ServiceUrl, ForcePathStyle = true, ListPageSize = listPageSize };

    /// <summary>Creates a bucket with a fresh name and returns the name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var bucket = "archive-" + Guid.NewGuid().ToString("N")[..20];
        await Client.PutBucketAsync(bucket);
        return bucket;
    }

    public async Task InitializeAsync()
    {
        var script = NpmPackages.FindScript(ScriptVariable, "s3rver", Path.Combine("s3rver", "bin", "s3rver.js"), "s3rver");
        Directory.CreateDirectory(folder);
        var port = LocalServerProcess.FreePort();
        ServiceUrl = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        Client = Options("unused").CreateClient(Credentials);

        // s3rver encrypts listing continuation tokens with a cipher OpenSSL 3 keeps in its legacy provider.
        server = LocalServerProcess.Start(
            "s3rver",
            folder,
            "node --openssl-legacy-provider \"$1\" --directory \"$2\" --address 127.0.0.1 --port \"$3\" --silent",
            script,
            folder,
            port.ToString(CultureInfo.InvariantCulture));
        await server.WaitUntilServingAsync(
            "s3rver",
            port,
            () => Client.ListBucketsAsync(),
            static e => e is AmazonServiceException or HttpRequestException or IOException,
            TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
