using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// Where the Cosmos DB document store lives and how to reach it. Bound from the <c>Cosmos</c> configuration section by
/// <see cref="CosmosServiceCollectionExtensions.AddCosmosDocumentStore"/> and validated at start-up, so a host with a
/// missing endpoint or a bad name fails before it serves anything.
/// </summary>
public sealed class CosmosDocumentStoreOptions
{
    public const string SectionName = "Cosmos";

    /// <summary>The account endpoint, e.g. <c>https://myaccount.documents.azure.com:443/</c>.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>
    /// The account key. Empty (the default and the recommendation) means Microsoft Entra ID through the host's managed
    /// identity, which needs the "Cosmos DB Built-in Data Contributor" data-plane role on the account.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string Database { get; set; } = "gamebackend";

    public string Container { get; set; } = "documents";

    /// <summary>
    /// True talks to <see cref="Endpoint"/> only, never to the regional endpoints the account lists (one region, and the
    /// host is deployed next to it). Set false to let the SDK route to other regions of a multi-region account.
    /// </summary>
    public bool LimitToEndpoint { get; set; } = true;

    /// <summary>Every problem with the options, empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"Cosmos:Endpoint '{Endpoint}' is not an absolute https URL of a Cosmos DB account.");
        }

        if (!string.IsNullOrEmpty(Key) && !IsBase64(Key))
        {
            problems.Add("Cosmos:Key is not a base64 account key (leave it empty to use the managed identity).");
        }

        AddNameProblems(problems, "Database", Database);
        AddNameProblems(problems, "Container", Container);
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>The store itself needs only the names; the endpoint and credentials belong to whoever made the client.</summary>
    internal void ValidateContainer()
    {
        var problems = new List<string>();
        AddNameProblems(problems, "Database", Database);
        AddNameProblems(problems, "Container", Container);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>
    /// Creates the client these options describe: Gateway mode (HTTPS on port 443 only, a handful of connections per
    /// instance, which suits functions that scale out), limited to the endpoint, account key or managed identity.
    /// <paramref name="httpClientFactory"/> is for tests (the test server's certificate); production leaves it null.
    /// </summary>
    public CosmosClient CreateClient(Func<HttpClient>? httpClientFactory = null, TokenCredential? credential = null)
    {
        Validate();
        var options = new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = LimitToEndpoint,
            ApplicationName = "GameBackend",
        };
        if (httpClientFactory is not null)
        {
            options.HttpClientFactory = httpClientFactory;
        }

        if (!string.IsNullOrEmpty(Key))
        {
            return new CosmosClient(Endpoint, Key, options);
        }

        credential ??= string.IsNullOrEmpty(ManagedIdentityClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId));
        return new CosmosClient(Endpoint, credential, options);
    }

    /// <summary>Cosmos DB database and container ids: 1–255 characters, none of '/', '\', '?', '#', no trailing space.</summary>
    private static void AddNameProblems(List<string> problems, string what, string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || name.IndexOfAny(['/', '\\', '?', '#']) >= 0 || name.EndsWith(' '))
        {
            problems.Add($"Cosmos:{what} '{name}' is not a valid Cosmos DB id (1 to 255 characters, none of / \\ ? #, no trailing space).");
        }
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}
