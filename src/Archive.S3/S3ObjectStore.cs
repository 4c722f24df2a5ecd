using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using GameBackend.Core.Analytics;
using GameBackend.Core.Storage;

namespace GameBackend.Archive.S3;

/// <summary>
/// The object store on S3: one bucket, an optional key prefix. A put is one PutObject (S3 makes it durable and
/// visible whole before it answers; putting a key again replaces the object). Puts are sent with a plain body and
/// Content-Length rather than the SDK's aws-chunked streaming encoding: S3 accepts both, but S3-compatible servers
/// such as s3rver would store the chunk framing inside the object.
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly IAmazonS3 client;
    private readonly S3ObjectStoreOptions options;

    public S3ObjectStore(IAmazonS3 client, S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        this.client = client;
        this.options = options;
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        var objectKey = ObjectKey(key);
        using var body = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        await client.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = options.BucketName,
                Key = objectKey,
                InputStream = body,
                ContentType = contentType,
                UseChunkEncoding = false,
                AutoCloseStream = false,
            },
            cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var objectKey = ObjectKey(key);
        try
        {
            using var response = await client.GetObjectAsync(options.BucketName, objectKey, cancellationToken);
            using var content = new MemoryStream(response.ContentLength is > 0 and <= int.MaxValue ? (int)response.ContentLength : 0);
            await response.ResponseStream.CopyToAsync(content, cancellationToken);
            return content.ToArray();
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound && exception.ErrorCode == "NoSuchKey")
        {
            // Only a missing key is "no object"; a missing bucket is a deployment error and stays one.
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, nameof(prefix));
        var request = new ListObjectsV2Request
        {
            BucketName = options.BucketName,
            Prefix = options.Prefix + prefix,
            MaxKeys = options.ListPageSize,
        };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken);

            // S3 lists in UTF-8 byte order, which is ordinal order for every key the archive writes (no surrogate pairs).
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item.Key[options.Prefix.Length..];
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private string ObjectKey(string key)
    {
        ObjectKeys.Validate(key, nameof(key));
        var objectKey = options.Prefix + key;
        if (Encoding.UTF8.GetByteCount(objectKey) > ObjectKeys.MaxUtf8Bytes)
        {
            throw new ArgumentException($"The key \"{key}\" is too long behind the prefix \"{options.Prefix}\" (S3 keys have at most {ObjectKeys.MaxUtf8Bytes} bytes).", nameof(key));
        }

        return objectKey;
    }
}
