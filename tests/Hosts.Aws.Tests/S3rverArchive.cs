using GameBackend.Archive.S3;
using GameBackend.Archive.Tests.S3;
using GameBackend.Core.Analytics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The ingest function's archive as the template configures it (<c>GameBackend__Archive__S3__BucketName</c>), pointed at
/// s3rver. As with DynamoDB Local, only the S3 client's credentials are swapped (s3rver takes its fixed key pair; the
/// host would look for the Lambda role's).
/// </summary>
public static class S3rverArchive
{
    public static Dictionary<string, string?> Settings(S3rverFixture s3, string bucket) => new()
    {
        ["GameBackend:Archive:S3:BucketName"] = bucket,
        ["GameBackend:Archive:S3:ServiceUrl"] = s3.ServiceUrl,
        ["GameBackend:Archive:S3:ForcePathStyle"] = "true",
    };

    public static void UseFixtureCredentials(IServiceCollection services)
    {
        services.RemoveAll<IObjectStore>();
        services.AddSingleton<IObjectStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<S3ObjectStoreOptions>>().Value;
            return new S3ObjectStore(options.CreateClient(S3rverFixture.Credentials), options);
        });
    }
}
