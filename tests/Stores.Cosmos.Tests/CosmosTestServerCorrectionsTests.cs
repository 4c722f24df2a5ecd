using System.Net;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>
/// The test proxy answers as Cosmos DB documents it, through the SDK's own public API: a missing item is 404, and a
/// transactional batch is all or nothing, with the failing operation's status and 424 for every other operation.
/// </summary>
[Collection(CosmosServerCollection.Name)]
public sealed class CosmosTestServerCorrectionsTests(CosmosServerFixture cosmos)
{
    private Container Container => cosmos.Client.GetContainer(cosmos.Options.Database, cosmos.Options.Container);

    [Fact]
    public async Task A_read_of_a_missing_item_is_404()
    {
        using var response = await Container.ReadItemStreamAsync("missing", new PartitionKey("nowhere"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_successful_batch_reports_each_operation_with_its_status_and_etag()
    {
        var pk = Guid.NewGuid().ToString("N");
        await CreateAsync(pk, "replaced");
        await CreateAsync(pk, "deleted");
        var replacedETag = await ETagAsync(pk, "replaced");

        using var response = await Container.CreateTransactionalBatch(new PartitionKey(pk))
            .CreateItemStream(Document(pk, "created"))
            .ReplaceItemStream("replaced", Document(pk, "replaced", ""","v":2"""), new TransactionalBatchItemRequestOptions { IfMatchEtag = replacedETag })
            .DeleteItem("deleted")
            .PatchItem("created", [PatchOperation.Set("/v", 3)])
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.OK], response.Select(result => result.StatusCode));
        Assert.Equal(await ETagAsync(pk, "replaced"), response[1].ETag);
        Assert.Null(await ETagAsync(pk, "deleted"));
        Assert.Equal(await ETagAsync(pk, "created"), response[3].ETag);
    }

    [Theory]
    [InlineData("conflict", HttpStatusCode.Conflict)]
    [InlineData("stale", HttpStatusCode.PreconditionFailed)]
    [InlineData("missing", HttpStatusCode.NotFound)]
    public async Task A_failing_batch_changes_nothing_and_reports_the_failure_and_424_for_the_rest(string failure, HttpStatusCode expected)
    {
        var pk = Guid.NewGuid().ToString("N");
        await CreateAsync(pk, "existing");
        var before = await ETagAsync(pk, "existing");
        var batch = Container.CreateTransactionalBatch(new PartitionKey(pk))
            .CreateItemStream(Document(pk, "first"))
            .ReplaceItemStream("existing", Document(pk, "existing", ""","v":2"""));
        batch = failure switch
        {
            "conflict" => batch.CreateItemStream(Document(pk, "existing")),
            "stale" => batch.DeleteItem("existing", new TransactionalBatchItemRequestOptions { IfMatchEtag = "\"stale\"" }),
            _ => batch.DeleteItem("missing"),
        };

        using var response = await batch.ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.FailedDependency, expected], response.Select(result => result.StatusCode));
        Assert.Null(await ETagAsync(pk, "first"));
        Assert.Equal(before, await ETagAsync(pk, "existing"));
    }

    private async Task CreateAsync(string pk, string id)
    {
        using var response = await Container.CreateItemStreamAsync(Document(pk, id), new PartitionKey(pk));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<string?> ETagAsync(string pk, string id)
    {
        using var response = await Container.ReadItemStreamAsync(id, new PartitionKey(pk));
        return response.StatusCode == HttpStatusCode.NotFound ? null : response.Headers.ETag;
    }

    private static MemoryStream Document(string pk, string id, string extra = "") =>
        new(Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","pk":"{{pk}}"{{extra}}}"""));
}
