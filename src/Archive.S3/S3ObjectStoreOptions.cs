using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Storage;

namespace GameBackend.Archive.S3;

/// <summary>Where the S3 object store keeps objects (section <c>GameBackend:Archive:S3</c>).</summary>
public sealed class S3ObjectStoreOptions : ICheckedOptions
{
    public const string SectionName = "GameBackend:Archive:S3";
    public const int MaxListPageSize = 1000;

    /// <summary>The bucket; it must exist (the deployment template creates it), the store never creates one.</summary>
    public string BucketName { get; set => field = value ?? ""; } = "";

    /// <summary>Put before every key, so one bucket can hold several deployments: empty, or ending with '/' ("gamebackend/").</summary>
    public string Prefix { get; set => field = value ?? ""; } = "";

    /// <summary>The bucket's region; empty means the SDK's default (AWS_REGION, which Lambda sets).</summary>
    public string? Region { get; set; }

    /// <summary>Another S3 endpoint (s3rver, MinIO, LocalStack); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style URLs (http://host/bucket/key), which local S3 servers need; AWS itself wants false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Keys per ListObjectsV2 call (S3 returns at most 1000).</summary>
    public int ListPageSize { get; set; } = MaxListPageSize;

    /// <summary>Null when the options are usable, otherwise why not.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(BucketName) || BucketName.Length is < 3 or > 63)
        {
            return $"{SectionName}:BucketName must name a bucket (3 to 63 characters).";
        }

        if (Prefix.Length > 0 && (!Prefix.EndsWith('/') || ObjectKeys.Problem(Prefix[..^1]) is not null))
        {
            return $"{SectionName}:Prefix must be empty or a valid key path ending with '/' (was \"{Prefix}\").";
        }

        if (!string.IsNullOrEmpty(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            return $"{SectionName}:ServiceUrl must be an absolute URL (was \"{ServiceUrl}\").";
        }

        return ListPageSize is < 1 or > MaxListPageSize ? $"{SectionName}:ListPageSize must be 1 to {MaxListPageSize}." : null;
    }

    /// <summary>A client for these options; without <paramref name="credentials"/>, the SDK's default chain (Lambda's role).</summary>
    public AmazonS3Client CreateClient(AWSCredentials? credentials = null)
    {
        var config = new AmazonS3Config { ForcePathStyle = ForcePathStyle };
        if (!string.IsNullOrEmpty(ServiceUrl))
        {
            config.ServiceURL = ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(Region) ? "us-east-1" : Region;
        }
        else if (!string.IsNullOrEmpty(Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
