using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// Which table the store uses and how to reach DynamoDB. In AWS only <see cref="TableName"/> is needed (the
/// region and credentials come from the Lambda environment); <see cref="ServiceUrl"/> points the client at
/// DynamoDB Local for tests and local development.
/// </summary>
/// <param name="TableName">The single table every title's items live in (see <see cref="DynamoDbDocumentTable"/> for its schema).</param>
public sealed record DynamoDbDocumentStoreOptions(string TableName)
{
    /// <summary>An endpoint such as <c>http://127.0.0.1:8000</c> (DynamoDB Local); null for the region's own endpoint.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>The AWS region (<c>eu-west-1</c>); null to take it from the environment (<c>AWS_REGION</c> in Lambda).</summary>
    public string? Region { get; init; }

    /// <summary>Throws when an option cannot work, so a misconfigured host fails at start-up, not on the first request.</summary>
    public void Validate()
    {
        // DynamoDB's own rule for table names: 3 to 255 of [a-zA-Z0-9_.-].
        if (string.IsNullOrEmpty(TableName) || TableName.Length is < 3 or > 255
            || !TableName.All(character => char.IsAsciiLetterOrDigit(character) || character is '_' or '.' or '-'))
        {
            throw new ArgumentException($"'{TableName}' is not a DynamoDB table name (3 to 255 letters, digits, '_', '.' or '-').", nameof(TableName));
        }

        if (ServiceUrl is not null
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"'{ServiceUrl}' is not an absolute http or https URL.", nameof(ServiceUrl));
        }

        if (Region is not null && string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("The region is blank.", nameof(Region));
        }
    }

    /// <summary>
    /// Creates the low-level client these options describe. Without <paramref name="credentials"/> the SDK's
    /// default chain applies (the Lambda role in AWS); DynamoDB Local accepts any fixed credentials.
    /// </summary>
    public AmazonDynamoDBClient CreateClient(AWSCredentials? credentials = null)
    {
        Validate();
        var config = new AmazonDynamoDBConfig();
        if (Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }

        if (ServiceUrl is not null)
        {
            config.ServiceURL = ServiceUrl;
            config.AuthenticationRegion = Region ?? "us-east-1";
        }

        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }
}
