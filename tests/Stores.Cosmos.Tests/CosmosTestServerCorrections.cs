using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Serialization.HybridRow;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.IO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Layouts;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.RecordIO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Schemas;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>
/// A test-only proxy between the Cosmos SDK and cosmosdb-server (an HTTP message handler in the SDK's own HttpClient). It
/// corrects what that server answers differently from Cosmos DB, so the store's production code runs unchanged against it.
/// Every correction is listed in docs/deploy-azure.md ("Cosmos test server corrections"):
/// <list type="number">
/// <item>A read of a missing item: the server fails with 500 (it reads a property of the missing document); Cosmos DB
/// answers 404 NotFound. The proxy turns exactly that 500 into the documented 404.</item>
/// <item>Transactional batches: the server does not parse the .NET SDK's batch body (HybridRow records) and its own batch
/// is not atomic. The proxy executes the batch with Cosmos DB's documented semantics: operations in order, all or none;
/// on failure the answer is 207 Multi-Status, the failing operation reports its status (404, 409 or 412), which the SDK
/// makes the batch's, and every other operation reports 424 Failed Dependency; on success each operation reports its status, ETag and document. It reads and writes the
/// documents through the server's own item API, with the SDK's own HybridRow library and batch schema.</item>
/// </list>
/// Document requests pass one at a time, so a batch is checked and applied with no other request in between (atomic and
/// isolated). The server itself handles one request at a time too (one Node.js event loop), so this costs little.
/// </summary>
public sealed class CosmosTestServerCorrections(HttpMessageHandler transport) : DelegatingHandler(transport)
{
    private const int OperationCreate = 0;
    private const int OperationPatch = 1;
    private const int OperationRead = 2;
    private const int OperationDelete = 4;
    private const int OperationReplace = 5;

    private static readonly (LayoutResolverNamespace Resolver, Layout ResultLayout) Schemas = LoadSchemas();

    private readonly SemaphoreSlim documents = new(1, 1);

    private bool loseNextWriteAnswer;

    /// <summary>How many batches the proxy executed; tests use it to prove transactions went through a batch.</summary>
    public int BatchesExecuted { get; private set; }

    /// <summary>
    /// A fault for tests, not a correction: the next create, replace or batch is applied, but its answer is the one a retry of
    /// it would get (412 for a replace or a batch, 409 for a create), as when the SDK retries a write whose first answer
    /// was lost on the way back.
    /// </summary>
    public void LoseNextWriteAnswer() => loseNextWriteAnswer = true;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (!path.Contains("/docs", StringComparison.Ordinal))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        await documents.WaitAsync(cancellationToken);
        try
        {
            var isWrite = request.Method == HttpMethod.Put || (request.Method == HttpMethod.Post && !IsTrue(request, "x-ms-documentdb-isquery")
                && request.Content?.Headers.ContentType?.MediaType != "application/query+json");
            var loseAnswer = isWrite && loseNextWriteAnswer;
            loseNextWriteAnswer &= !loseAnswer;
            if (request.Method == HttpMethod.Post && IsTrue(request, "x-ms-cosmos-is-batch-request"))
            {
                BatchesExecuted++;
                return await ExecuteBatchAsync(request, loseAnswer, cancellationToken);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (loseAnswer && response.IsSuccessStatusCode)
            {
                response.Dispose();
                return request.Method == HttpMethod.Post
                    ? Failure(request, HttpStatusCode.Conflict, "Resource with specified id or name already exists.")
                    : Failure(request, HttpStatusCode.PreconditionFailed, "Operation cannot be performed because one of the specified precondition is not met.");
            }

            if (request.Method == HttpMethod.Get && await IsMissingItemFailureAsync(response, cancellationToken))
            {
                response.Dispose();
                return NotFound(request);
            }

            return response;
        }
        finally
        {
            documents.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            documents.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The server's answer to a read of a missing document: a 500 whose message says it read a property of undefined.</summary>
    private static async Task<bool> IsMissingItemFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.InternalServerError)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Contains("Cannot read properties of undefined", StringComparison.Ordinal);
    }

    private static HttpResponseMessage NotFound(HttpRequestMessage request) =>
        Failure(request, HttpStatusCode.NotFound, "Entity with the specified id does not exist in the system.");

    private static HttpResponseMessage Failure(HttpRequestMessage request, HttpStatusCode status, string message)
    {
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent(
                JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = status.ToString(), ["message"] = message }),
                Encoding.UTF8,
                "application/json"),
        };
        response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
        response.Headers.Add("x-ms-request-charge", "1");
        return response;
    }

    private async Task<HttpResponseMessage> ExecuteBatchAsync(HttpRequestMessage request, bool loseAnswer, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var operations = ParseOperations(body);
        var docs = request.RequestUri!;

        // Check every operation against the documents as they are (and as the operations before it would leave them);
        // apply nothing unless all pass.
        var state = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        for (var index = 0; index < operations.Count; index++)
        {
            var operation = operations[index];
            var id = operation.Id ?? IdOf(operation.Body);
            if (!state.TryGetValue(id, out var current))
            {
                current = await ReadDocumentAsync(request, docs, id, cancellationToken);
                state[id] = current;
            }

            var status = operation.Type switch
            {
                OperationCreate => current is null ? HttpStatusCode.Created : HttpStatusCode.Conflict,
                OperationRead or OperationReplace or OperationDelete or OperationPatch => current is null
                    ? HttpStatusCode.NotFound
                    : operation.IfMatch is not null && operation.IfMatch != ETagOf(current.Value) ? HttpStatusCode.PreconditionFailed : HttpStatusCode.OK,
                _ => HttpStatusCode.BadRequest,
            };
            if ((int)status >= 400)
            {
                // Cosmos DB answers a failed transactional batch with 207 Multi-Status; the SDK promotes the failing
                // operation's status to the batch's.
                return BatchResponse(request, HttpStatusCode.MultiStatus, operations.Select((_, other) => new OperationResult(other == index ? (int)status : 424, null, null)).ToList());
            }

            // A document written earlier in this batch has an ETag nobody could have named in advance.
            state[id] = operation.Type switch
            {
                OperationDelete => null,
                OperationRead => current,
                _ => JsonDocument.Parse("""{"_etag":null}""").RootElement,
            };
        }

        var results = new List<OperationResult>(operations.Count);
        foreach (var operation in operations)
        {
            results.Add(await ApplyAsync(request, docs, operation, cancellationToken));
        }

        // A retry of a batch that committed fails on its first operation's condition.
        return loseAnswer
            ? BatchResponse(request, HttpStatusCode.MultiStatus, operations.Select((_, index) => new OperationResult(index == 0 ? 412 : 424, null, null)).ToList())
            : BatchResponse(request, HttpStatusCode.OK, results);
    }

    private async Task<OperationResult> ApplyAsync(HttpRequestMessage batch, Uri docs, Operation operation, CancellationToken cancellationToken)
    {
        var id = operation.Id ?? IdOf(operation.Body);
        var (method, uri) = operation.Type switch
        {
            OperationCreate => (HttpMethod.Post, docs),
            OperationReplace => (HttpMethod.Put, DocumentUri(docs, id)),
            OperationDelete => (HttpMethod.Delete, DocumentUri(docs, id)),
            OperationPatch => (HttpMethod.Patch, DocumentUri(docs, id)),
            _ => (HttpMethod.Get, DocumentUri(docs, id)),
        };
        using var request = ItemRequest(batch, method, uri);
        if (operation.Body is not null && method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new ByteArrayContent(operation.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await base.SendAsync(request, cancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Everything was checked under the lock before anything was applied, so this is a fault of the proxy or server.
            throw new InvalidOperationException($"cosmosdb-server refused a batch operation it had passed the checks for: {(int)response.StatusCode} {Encoding.UTF8.GetString(content)}");
        }

        if (method == HttpMethod.Delete || content.Length == 0)
        {
            return new OperationResult((int)response.StatusCode, null, null);
        }

        using var document = JsonDocument.Parse(content);
        return new OperationResult((int)response.StatusCode, ETagOf(document.RootElement), content);
    }

    private async Task<JsonElement?> ReadDocumentAsync(HttpRequestMessage batch, Uri docs, string id, CancellationToken cancellationToken)
    {
        using var request = ItemRequest(batch, HttpMethod.Get, DocumentUri(docs, id));
        using var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound || await IsMissingItemFailureAsync(response, cancellationToken))
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"cosmosdb-server failed a read the batch needed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return document.RootElement.Clone();
    }

    /// <summary>An item request as the SDK would send it for this batch: same partition key, version and authorization headers.</summary>
    private static HttpRequestMessage ItemRequest(HttpRequestMessage batch, HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        foreach (var header in new[] { "x-ms-documentdb-partitionkey", "x-ms-version", "x-ms-date", "authorization" })
        {
            if (batch.Headers.TryGetValues(header, out var values))
            {
                request.Headers.TryAddWithoutValidation(header, values);
            }
        }

        return request;
    }

    private static Uri DocumentUri(Uri docs, string id) => new(docs.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(id));

    private static string? ETagOf(JsonElement document) =>
        document.TryGetProperty("_etag", out var etag) && etag.ValueKind == JsonValueKind.String ? etag.GetString() : null;

    private static string IdOf(byte[]? body)
    {
        using var document = JsonDocument.Parse(body ?? throw new InvalidOperationException("A batch operation has neither an id nor a body."));
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private static bool IsTrue(HttpRequestMessage request, string header) =>
        request.Headers.TryGetValues(header, out var values) && values.Any(value => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));

    private static List<Operation> ParseOperations(byte[] body)
    {
        var operations = new List<Operation>();
        var result = RecordIOStream.ReadRecordIOAsync(
            new MemoryStream(body, writable: false),
            (ReadOnlyMemory<byte> record) =>
            {
                var row = new RowBuffer(record.Length);
                if (!row.ReadFrom(record.Span, HybridRowVersion.V1, Schemas.Resolver))
                {
                    return Result.Failure;
                }

                var reader = new RowReader(ref row);
                int type = -1;
                string? id = null, ifMatch = null;
                byte[]? resourceBody = null;
                while (reader.Read())
                {
                    switch (reader.Path.ToString())
                    {
                        case "operationType":
                            reader.ReadInt32(out type);
                            break;
                        case "id":
                            reader.ReadString(out string value);
                            id = value;
                            break;
                        case "resourceBody":
                            reader.ReadBinary(out byte[] bytes);
                            resourceBody = bytes;
                            break;
                        case "ifMatch":
                            reader.ReadString(out string etag);
                            ifMatch = etag;
                            break;
                    }
                }

                operations.Add(new Operation(type, id, resourceBody, ifMatch));
                return Result.Success;
            },
            null,
            new MemorySpanResizer<byte>(Math.Max(body.Length, 1024))).GetAwaiter().GetResult();
        if (result != Result.Success)
        {
            throw new InvalidOperationException($"The batch body is not a HybridRow record stream ({result}).");
        }

        return operations;
    }

    private static HttpResponseMessage BatchResponse(HttpRequestMessage request, HttpStatusCode status, List<OperationResult> results)
    {
        var stream = new MemoryStream();
        var written = RecordIOStream.WriteRecordIOAsync(
            stream,
            default,
            (long index, out ReadOnlyMemory<byte> buffer) =>
            {
                if (index >= results.Count)
                {
                    buffer = ReadOnlyMemory<byte>.Empty;
                    return Result.Success;
                }

                var row = new RowBuffer(1024 + (results[(int)index].Body?.Length ?? 0));
                row.InitLayout(HybridRowVersion.V1, Schemas.ResultLayout, Schemas.Resolver);
                var result = RowWriter.WriteBuffer(ref row, results[(int)index], WriteResult);
                buffer = row.ToArray();
                return result;
            }).GetAwaiter().GetResult();
        if (written != Result.Success)
        {
            throw new InvalidOperationException($"Could not write the batch response ({written}).");
        }

        var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(stream.ToArray()) };
        response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
        response.Headers.Add("x-ms-request-charge", results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    private static Result WriteResult(ref RowWriter writer, TypeArgument typeArgument, OperationResult result)
    {
        var written = writer.WriteInt32("statusCode", result.StatusCode);
        if (written == Result.Success && result.ETag is not null)
        {
            written = writer.WriteString("eTag", result.ETag);
        }

        if (written == Result.Success && result.Body is not null)
        {
            written = writer.WriteBinary("resourceBody", result.Body);
        }

        return written == Result.Success ? writer.WriteFloat64("requestCharge", 1.0) : written;
    }

    /// <summary>The batch schema the SDK itself embeds, read through public APIs only.</summary>
    private static (LayoutResolverNamespace, Layout) LoadSchemas()
    {
        using var stream = typeof(CosmosClient).Assembly.GetManifestResourceStream("Microsoft.Azure.Cosmos.Batch.HybridRowBatchSchemas.json")
            ?? throw new InvalidOperationException("The Cosmos SDK no longer embeds its batch schema; the test proxy needs updating.");
        using var reader = new StreamReader(stream);
        var schemas = Namespace.Parse(reader.ReadToEnd());
        var resolver = new LayoutResolverNamespace(schemas, SystemSchema.LayoutResolver);
        return (resolver, resolver.Resolve(schemas.Schemas.Single(schema => schema.Name == "BatchResult").SchemaId));
    }

    private sealed record Operation(int Type, string? Id, byte[]? Body, string? IfMatch);

    private sealed record OperationResult(int StatusCode, string? ETag, byte[]? Body);
}
