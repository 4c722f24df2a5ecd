using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb.Tests;

/// <summary>
/// DynamoDB refuses a write that meets a transaction in flight on the same item (TransactionConflictException,
/// or a cancelled transaction whose reason is TransactionConflict). DynamoDB Local serializes requests and never
/// answers so, hence a client that answers so for the first few calls before passing them to DynamoDB Local.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class InjectedConflictTests(DynamoDbLocalFixture dynamoDb)
{
    [Fact]
    public async Task Writes_refused_by_a_transaction_conflict_are_tried_again_and_land_once()
    {
        using var client = new ConflictingClient(dynamoDb, conflicts: 3);
        var store = new DynamoDbDocumentStore(client, dynamoDb.Options(dynamoDb.SharedTable), TimeProvider.System);
        var key = new ItemKey("title-" + Guid.NewGuid().ToString("N"), "p", "k");

        var created = await store.CreateAsync(new NewItem(key, Encoding.UTF8.GetBytes("1")));
        var replaced = await store.ReplaceAsync(new NewItem(key, Encoding.UTF8.GetBytes("2")), created.Version!);
        var deleted = await store.DeleteAsync(key, replaced.Version!);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.Equal(WriteOutcome.Written, deleted.Outcome);
        Assert.Equal(6, client.Refused); // three refusals of PutItem (all met by the create), three of DeleteItem
    }

    [Fact]
    public async Task A_transaction_cancelled_by_a_conflict_is_tried_again_and_commits()
    {
        using var client = new ConflictingClient(dynamoDb, conflicts: 4);
        var store = new DynamoDbDocumentStore(client, dynamoDb.Options(dynamoDb.SharedTable), TimeProvider.System);
        var title = "title-" + Guid.NewGuid().ToString("N");

        var result = await store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", "a"), Encoding.UTF8.GetBytes("{}"))),
            new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", "b"), Encoding.UTF8.GetBytes("{}"))),
        ]));

        Assert.True(result.Committed);
        Assert.Equal(4, client.Refused);
        Assert.Equal(2, (await store.QueryAsync(new Query(title, "p", SortKeyCondition.All))).Items.Count);
    }

    [Fact]
    public async Task A_write_that_keeps_conflicting_gives_up_with_the_conflict()
    {
        using var client = new ConflictingClient(dynamoDb, conflicts: int.MaxValue);
        var store = new DynamoDbDocumentStore(client, dynamoDb.Options(dynamoDb.SharedTable), TimeProvider.System);
        var key = new ItemKey("title-" + Guid.NewGuid().ToString("N"), "p", "k");

        await Assert.ThrowsAsync<TransactionConflictException>(() => store.CreateAsync(new NewItem(key, Encoding.UTF8.GetBytes("{}"))));
        await Assert.ThrowsAsync<TransactionCanceledException>(() =>
            store.TransactAsync(new Transaction([new TransactionOperation.Create(new NewItem(key, Encoding.UTF8.GetBytes("{}")))])));
        Assert.Null(await new DynamoDbDocumentStore(dynamoDb.Client, dynamoDb.Options(dynamoDb.SharedTable), TimeProvider.System).GetAsync(key));
    }

    /// <summary>Refuses the first <c>conflicts</c> calls of each write kind, then hands them to DynamoDB Local.</summary>
    private sealed class ConflictingClient(DynamoDbLocalFixture dynamoDb, int conflicts)
        : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = dynamoDb.ServiceUrl, AuthenticationRegion = "us-east-1" })
    {
        private int puts;
        private int deletes;
        private int transactions;

        public int Refused { get; private set; }

        public override Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default) =>
            Refuse(ref puts) ? throw new TransactionConflictException("Transaction is ongoing for the item") : base.PutItemAsync(request, cancellationToken);

        public override Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken = default) =>
            Refuse(ref deletes) ? throw new TransactionConflictException("Transaction is ongoing for the item") : base.DeleteItemAsync(request, cancellationToken);

        public override Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken = default)
        {
            if (!Refuse(ref transactions))
            {
                return base.TransactWriteItemsAsync(request, cancellationToken);
            }

            var reasons = request.TransactItems.Select((_, index) => new CancellationReason { Code = index == 0 ? "TransactionConflict" : "None" }).ToList();
            throw new TransactionCanceledException("Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]")
            {
                CancellationReasons = reasons,
            };
        }

        private bool Refuse(ref int calls)
        {
            if (calls++ >= conflicts)
            {
                return false;
            }

            Refused++;
            return true;
        }
    }
}
