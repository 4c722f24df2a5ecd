using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb.Tests;

/// <summary>What the contract cannot see: the stored layout, lazy TTL deletion, forged tokens, DynamoDB's own limits.</summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class DynamoDbDocumentStoreTests(DynamoDbLocalFixture dynamoDb)
{
    private readonly DynamoDbDocumentStore store = new(dynamoDb.Client, dynamoDb.Options(dynamoDb.SharedTable), TimeProvider.System);

    [Fact]
    public async Task An_item_is_stored_under_the_title_and_partition_with_version_body_and_ttl_in_epoch_seconds()
    {
        var title = NewTitle();
        var expiresAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1);
        var created = await store.CreateAsync(new NewItem(new ItemKey(title, "inventory", "sword"), Json("""{"dmg":7}"""), expiresAt));

        var raw = await RawGetAsync(DynamoDbItem.PartitionKeyOf(title, "inventory"), "sword");

        Assert.NotNull(raw);
        Assert.Equal($"{title.Length}:{title}#inventory", raw["pk"].S);
        Assert.Equal("sword", raw["sk"].S);
        Assert.Equal(created.Version, raw["version"].S);
        Assert.Equal("""{"dmg":7}""", Encoding.UTF8.GetString(raw["body"].B.ToArray()));
        Assert.Equal(expiresAt.UtcTicks.ToString(CultureInfo.InvariantCulture), raw["expiresAt"].N);

        // Rounded up, so DynamoDB never deletes the item before it expires.
        Assert.Equal((expiresAt.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture), raw["ttl"].N);
    }

    [Fact]
    public async Task An_item_past_its_ttl_that_DynamoDB_has_not_deleted_yet_is_absent_for_reads_and_writes()
    {
        // TTL deletion is lazy (hours to days in AWS; DynamoDB Local does not delete at all), so an expired item
        // can sit in the table. Put one there directly, expired an hour ago by the real clock.
        var title = NewTitle();
        var key = new ItemKey(title, "sessions", "s-1");
        var expired = DateTimeOffset.UtcNow.AddHours(-1);
        await dynamoDb.Client.PutItemAsync(new PutItemRequest
        {
            TableName = dynamoDb.SharedTable,
            Item = DynamoDbItem.ToAttributes(new NewItem(key, Json("""{"old":true}"""), expired), "old-version"),
        });
        Assert.NotNull(await RawGetAsync(DynamoDbItem.PartitionKeyOf(title, "sessions"), "s-1"));

        Assert.Null(await store.GetAsync(key));
        Assert.Empty((await store.QueryAsync(new Query(title, "sessions", SortKeyCondition.All))).Items);
        Assert.Equal(WriteOutcome.NotFound, (await store.ReplaceAsync(new NewItem(key, Json("{}")), "old-version")).Outcome);
        Assert.Equal(WriteOutcome.NotFound, (await store.DeleteAsync(key, "old-version")).Outcome);
        var check = await store.TransactAsync(new Transaction([new TransactionOperation.Check(key, "old-version")]));
        Assert.Equal(WriteOutcome.NotFound, check.FailedOutcome);

        var created = await store.CreateAsync(new NewItem(key, Json("""{"old":false}""")));

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        var read = await store.GetAsync(key);
        Assert.Equal("""{"old":false}""", Text(read!.Body));
        Assert.Null(read.ExpiresAt);
        var raw = await RawGetAsync(DynamoDbItem.PartitionKeyOf(title, "sessions"), "s-1");
        Assert.False(raw!.ContainsKey("ttl"), "the new item must not inherit the old item's TTL");
    }

    [Fact]
    public async Task A_query_skips_many_expired_items_and_still_fills_its_page()
    {
        // DynamoDB counts filtered (expired) items against a request's Limit, so one page may need several requests.
        var title = NewTitle();
        var expired = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var n = 0; n < 30; n++)
        {
            await dynamoDb.Client.PutItemAsync(new PutItemRequest
            {
                TableName = dynamoDb.SharedTable,
                Item = DynamoDbItem.ToAttributes(new NewItem(new ItemKey(title, "p", $"a-{n:D2}"), Json("{}"), expired), "v"),
            });
        }

        foreach (var key in new[] { "b-1", "b-2", "b-3" })
        {
            await store.CreateAsync(new NewItem(new ItemKey(title, "p", key), Json("{}")));
        }

        var first = await store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 2));
        var second = await store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 2, ContinuationToken: first.ContinuationToken));

        Assert.Equal(["b-1", "b-2"], first.Items.Select(item => item.Key.SortKey));
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["b-3"], second.Items.Select(item => item.Key.SortKey));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task Title_ids_holding_the_separators_cannot_reach_each_others_items()
    {
        var first = new ItemKey("a#b", "c", "k");
        var second = new ItemKey("a", "b#c", "k");
        var third = new ItemKey("1:a", "b", "k");
        await store.CreateAsync(new NewItem(first, Json("1")));
        await store.CreateAsync(new NewItem(second, Json("2")));
        await store.CreateAsync(new NewItem(third, Json("3")));

        Assert.Equal("1", Text((await store.GetAsync(first))!.Body));
        Assert.Equal("2", Text((await store.GetAsync(second))!.Body));
        Assert.Equal("3", Text((await store.GetAsync(third))!.Body));
        Assert.Single((await store.QueryAsync(new Query("a", "b#c", SortKeyCondition.All))).Items);

        // Clean up: these fixed titles would collide with the next run on a persistent table.
        foreach (var key in new[] { first, second, third })
        {
            await store.DeleteAsync(key, (await store.GetAsync(key))!.Version);
        }
    }

    [Fact]
    public async Task A_tampered_token_throws_InvalidContinuationTokenException()
    {
        var title = NewTitle();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await store.CreateAsync(new NewItem(new ItemKey(title, "p", key), Json("{}")));
        }

        var query = new Query(title, "p", SortKeyCondition.All, Limit: 1);
        var token = (await store.QueryAsync(query)).ContinuationToken!;
        var bytes = Base64Url.DecodeFromChars(token);
        var movedPosition = (byte[])bytes.Clone();
        movedPosition[^1] = (byte)'b';
        var changedFingerprint = (byte[])bytes.Clone();
        changedFingerprint[3] ^= 0x40;

        Assert.Equal((byte)'a', bytes[^1]);
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = Base64Url.EncodeToString(movedPosition) }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = Base64Url.EncodeToString(changedFingerprint) }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = token + "AA" }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = new string('A', 5000) }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            store.QueryAsync(query with { Condition = SortKeyCondition.BeginsWith("a"), ContinuationToken = token }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { Descending = true, ContinuationToken = token }));
    }

    [Fact]
    public async Task A_forged_token_pointing_outside_the_querys_range_is_rejected_not_sent_to_DynamoDB()
    {
        // The fingerprint is no secret: a client can build a well-formed token for its own query. It can only
        // name a position inside the query's range; anywhere else DynamoDB would refuse the start key.
        var title = NewTitle();
        await store.CreateAsync(new NewItem(new ItemKey(title, "p", "b-1"), Json("{}")));
        var prefixed = new Query(title, "p", SortKeyCondition.BeginsWith("b-"));
        var ranged = new Query(title, "p", SortKeyCondition.Between("b-0", "b-9"));

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            store.QueryAsync(prefixed with { ContinuationToken = QueryContinuation.Create(prefixed, "c-1") }));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            store.QueryAsync(ranged with { ContinuationToken = QueryContinuation.Create(ranged, "a") }));
        var inside = await store.QueryAsync(prefixed with { ContinuationToken = QueryContinuation.Create(prefixed, "b-0") });
        Assert.Equal(["b-1"], inside.Items.Select(item => item.Key.SortKey));
    }

    [Fact]
    public async Task The_largest_body_with_the_longest_keys_fits_in_one_DynamoDB_item()
    {
        // 350 KiB of body plus 512-unit keys and the other attributes stay under DynamoDB's 400 KB item limit.
        var key = new ItemKey(NewTitle(), new string('p', ItemKey.MaxPartitionLength), new string('s', ItemKey.MaxSortKeyLength));
        var body = new byte[NewItem.MaxBodyBytes];
        new Random(7).NextBytes(body);

        var created = await store.CreateAsync(new NewItem(key, body, DateTimeOffset.UtcNow.AddDays(1)));
        var replaced = await store.ReplaceAsync(new NewItem(key, body.Reverse().ToArray(), DateTimeOffset.UtcNow.AddDays(1)), created.Version!);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.Equal(body.Reverse(), (await store.GetAsync(key))!.Body);
    }

    [Fact]
    public async Task A_sort_key_over_DynamoDBs_1024_bytes_throws_ArgumentException()
    {
        // 512 UTF-16 units are within the port's limit, but 512 three-byte characters are 1,536 UTF-8 bytes.
        var key = new ItemKey(NewTitle(), "p", new string('\u65E5', ItemKey.MaxSortKeyLength));

        var thrown = await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CreateAsync(new NewItem(key, Json("{}"))));
        Assert.Contains("1024", thrown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetAsync(key));
    }

    [Fact]
    public async Task A_transaction_over_DynamoDBs_4_MB_throws_ArgumentException_and_one_just_under_commits()
    {
        var title = NewTitle();
        var body = new byte[NewItem.MaxBodyBytes];
        TransactionOperation Create(int n) => new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", $"big-{n:D2}"), body));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TransactAsync(new Transaction(Enumerable.Range(0, 12).Select(Create).ToList())));
        var result = await store.TransactAsync(new Transaction(Enumerable.Range(0, 11).Select(Create).ToList()));

        Assert.True(result.Committed);
        Assert.Equal(11, (await store.QueryAsync(new Query(title, "p", SortKeyCondition.All))).Items.Count);
    }

    [Fact]
    public async Task Single_writes_and_transactions_racing_on_one_version_let_exactly_one_win()
    {
        // A PutItem that meets a transaction in flight on its item is refused with TransactionConflictException;
        // the store tries it again, so each racer ends with a real outcome.
        const int Racers = 16;
        var title = NewTitle();
        var key = new ItemKey(title, "p", "contested");
        var version = (await store.CreateAsync(new NewItem(key, Json("-1")))).Version!;

        var writes = Enumerable.Range(0, Racers).Select(n => Task.Run(async () =>
            (await store.ReplaceAsync(new NewItem(key, Json($"{n}")), version)).Succeeded));
        var transactions = Enumerable.Range(Racers, Racers).Select(n => Task.Run(async () =>
            (await store.TransactAsync(new Transaction(
            [
                new TransactionOperation.Replace(new NewItem(key, Json($"{n}")), version),
                new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", $"claim-{n}"), Json("{}"))),
            ]))).Committed));
        var won = await Task.WhenAll(writes.Concat(transactions));

        Assert.Equal(1, won.Count(winner => winner));
        var winnerIndex = Array.IndexOf(won, true);
        Assert.Equal($"{winnerIndex}", Text((await store.GetAsync(key))!.Body));
        var claims = (await store.QueryAsync(new Query(title, "p", SortKeyCondition.BeginsWith("claim-")))).Items;
        Assert.Equal(winnerIndex >= Racers ? 1 : 0, claims.Count);
    }

    [Fact]
    public async Task Creating_the_table_twice_is_harmless_and_leaves_TTL_on()
    {
        var table = await dynamoDb.CreateTableAsync();

        await DynamoDbDocumentTable.CreateIfMissingAsync(dynamoDb.Client, table);

        var timeToLive = await dynamoDb.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table });
        Assert.Equal(TimeToLiveStatus.ENABLED, timeToLive.TimeToLiveDescription.TimeToLiveStatus);
        Assert.Equal("ttl", timeToLive.TimeToLiveDescription.AttributeName);
        var description = (await dynamoDb.Client.DescribeTableAsync(new DescribeTableRequest { TableName = table })).Table;
        Assert.Equal(["pk", "sk"], description.KeySchema.Select(element => element.AttributeName));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    public void A_table_name_DynamoDB_would_refuse_fails_validation(string tableName)
    {
        Assert.ThrowsAny<ArgumentException>(() => new DynamoDbDocumentStoreOptions(tableName).Validate());
    }

    [Fact]
    public void A_service_url_that_is_not_absolute_fails_validation()
    {
        Assert.ThrowsAny<ArgumentException>(() => new DynamoDbDocumentStoreOptions("games") { ServiceUrl = "localhost:8000" }.Validate());
    }

    private async Task<Dictionary<string, AttributeValue>?> RawGetAsync(string partitionKey, string sortKey)
    {
        var response = await dynamoDb.Client.GetItemAsync(new GetItemRequest
        {
            TableName = dynamoDb.SharedTable,
            Key = new() { ["pk"] = new AttributeValue { S = partitionKey }, ["sk"] = new AttributeValue { S = sortKey } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static string NewTitle() => "title-" + Guid.NewGuid().ToString("N");

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
