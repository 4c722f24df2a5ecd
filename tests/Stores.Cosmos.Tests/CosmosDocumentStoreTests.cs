using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using GameBackend.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>What the contract cannot see: the stored layout, ids Cosmos DB would refuse, lazy TTL deletion, batches, limits.</summary>
[Collection(CosmosServerCollection.Name)]
public sealed class CosmosDocumentStoreTests(CosmosServerFixture cosmos)
{
    private readonly CosmosDocumentStore store = new(cosmos.Client, cosmos.Options, TimeProvider.System);

    private Container Container => cosmos.Client.GetContainer(cosmos.Options.Database, cosmos.Options.Container);

    [Fact]
    public async Task An_item_is_stored_under_its_title_and_partition_with_hex_sort_key_version_base64_body_expiry_and_ttl()
    {
        var title = NewTitle();
        var now = DateTimeOffset.UtcNow;
        var expiresAt = now.AddMinutes(10).AddTicks(1);
        var created = await store.CreateAsync(new NewItem(new ItemKey(title, "inventory", "sword/1"), Json("""{"dmg":7}"""), expiresAt));

        var raw = await RawReadAsync(CosmosItem.PartitionKeyOf(title, "inventory"), "sword~2F1");

        Assert.NotNull(raw);
        var document = raw.Value;
        Assert.Equal($"{title.Length}:{title}#inventory", document.GetProperty("pk").GetString());
        Assert.Equal("sword~2F1", document.GetProperty("id").GetString());
        Assert.Equal("sword/1", document.GetProperty("sk").GetString());
        Assert.Equal("73776f72642f31", document.GetProperty("skHex").GetString());
        Assert.Equal(created.Version, document.GetProperty("ver").GetString());
        Assert.Equal("""{"dmg":7}""", Encoding.UTF8.GetString(document.GetProperty("body").GetBytesFromBase64()));
        Assert.Equal(expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture), document.GetProperty("exp").GetString());

        // Rounded up to whole seconds, so Cosmos DB never deletes the item before it expires.
        var ttl = document.GetProperty("ttl").GetInt32();
        Assert.InRange(ttl, 600, 602);
    }

    [Fact]
    public async Task An_item_without_expiry_has_neither_exp_nor_ttl()
    {
        var title = NewTitle();
        await store.CreateAsync(new NewItem(new ItemKey(title, "p", "forever"), Json("{}")));

        var document = (await RawReadAsync(CosmosItem.PartitionKeyOf(title, "p"), "forever"))!.Value;

        Assert.False(document.TryGetProperty("exp", out _));
        Assert.False(document.TryGetProperty("ttl", out _));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("what?")]
    [InlineData("#1")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("~2F")]
    [InlineData("~~")]
    [InlineData(" trailing ")]
    [InlineData("%41")]
    [InlineData("\u00E9t\u00E9 \U0001F600")]
    public async Task Sort_keys_Cosmos_ids_cannot_hold_round_trip_through_every_operation(string sortKey)
    {
        var title = NewTitle();
        var key = new ItemKey(title, "p", sortKey);
        var created = await store.CreateAsync(new NewItem(key, Json("""{"v":1}""")));
        var replaced = await store.ReplaceAsync(new NewItem(key, Json("""{"v":2}""")), created.Version!);

        var read = await store.GetAsync(key);
        var queried = await store.QueryAsync(new Query(title, "p", SortKeyCondition.All));
        var transaction = await store.TransactAsync(new Transaction([new TransactionOperation.Check(key, replaced.Version!)]));
        var deleted = await store.DeleteAsync(key, replaced.Version!);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.Equal("""{"v":2}""", Encoding.UTF8.GetString(read!.Body));
        Assert.Equal(key, Assert.Single(queried.Items).Key);
        Assert.True(transaction.Committed);
        Assert.Equal(WriteOutcome.Written, deleted.Outcome);
        Assert.Null(await store.GetAsync(key));
    }

    [Fact]
    public async Task Escaped_forms_of_different_keys_never_meet()
    {
        var title = NewTitle();
        await CreateAsync(new ItemKey(title, "p", "/"), """{"key":"slash"}""");
        await CreateAsync(new ItemKey(title, "p", "~2F"), """{"key":"escaped"}""");

        Assert.Equal("""{"key":"slash"}""", Encoding.UTF8.GetString((await store.GetAsync(new ItemKey(title, "p", "/")))!.Body));
        Assert.Equal("""{"key":"escaped"}""", Encoding.UTF8.GetString((await store.GetAsync(new ItemKey(title, "p", "~2F")))!.Body));
    }

    [Fact]
    public async Task A_sort_key_whose_escaped_form_exceeds_the_id_limit_is_stored_under_its_hash_and_keeps_its_order()
    {
        var title = NewTitle();
        var longest = new string('\u0800', ItemKey.MaxSortKeyLength);
        var shorter = new string('\u0800', ItemKey.MaxSortKeyLength - 1);
        var id = CosmosItem.IdOf(longest);
        await CreateAsync(new ItemKey(title, "p", longest), """{"n":2}""");
        await CreateAsync(new ItemKey(title, "p", shorter), """{"n":1}""");

        var read = await store.GetAsync(new ItemKey(title, "p", longest));
        var page = await store.QueryAsync(new Query(title, "p", SortKeyCondition.All));

        Assert.StartsWith("~~", id, StringComparison.Ordinal);
        Assert.Equal(66, id.Length);
        Assert.NotNull(await RawReadAsync(CosmosItem.PartitionKeyOf(title, "p"), id));
        Assert.Equal("""{"n":2}""", Encoding.UTF8.GetString(read!.Body));
        Assert.Equal([shorter, longest], page.Items.Select(item => item.Key.SortKey));
    }

    [Fact]
    public async Task An_item_past_its_expiry_that_Cosmos_has_not_deleted_yet_is_absent_for_reads_and_writes()
    {
        // Cosmos DB deletes expired items in the background, on its own clock (the test server never does). Put one in
        // the container directly, expired an hour ago by the real clock, with a TTL that has not run out.
        var title = NewTitle();
        var key = new ItemKey(title, "sessions", "s-1");
        var document = CosmosItem.ToDocument(new NewItem(key, Json("""{"old":true}"""), DateTimeOffset.UtcNow.AddHours(-1)), "old-version", DateTimeOffset.UtcNow.AddHours(-2));
        using (var created = await Container.CreateItemStreamAsync(new MemoryStream(document), new PartitionKey(CosmosItem.PartitionKeyOf(title, "sessions"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Null(await store.GetAsync(key));
        Assert.Empty((await store.QueryAsync(new Query(title, "sessions", SortKeyCondition.All))).Items);
        Assert.Equal(WriteOutcome.NotFound, (await store.ReplaceAsync(new NewItem(key, Json("{}")), "old-version")).Outcome);
        Assert.Equal(WriteOutcome.NotFound, (await store.DeleteAsync(key, "old-version")).Outcome);
        var check = await store.TransactAsync(new Transaction([new TransactionOperation.Check(key, "old-version")]));
        Assert.Equal(WriteOutcome.NotFound, check.FailedOutcome);

        var recreated = await store.CreateAsync(new NewItem(key, Json("""{"old":false}""")));

        Assert.Equal(WriteOutcome.Written, recreated.Outcome);
        var read = await store.GetAsync(key);
        Assert.Equal("""{"old":false}""", Encoding.UTF8.GetString(read!.Body));
        Assert.Null(read.ExpiresAt);
        var raw = (await RawReadAsync(CosmosItem.PartitionKeyOf(title, "sessions"), "s-1"))!.Value;
        Assert.False(raw.TryGetProperty("ttl", out _));
    }

    [Fact]
    public async Task A_transaction_is_one_transactional_batch_and_a_check_leaves_the_version_alone()
    {
        var title = NewTitle();
        var guard = new ItemKey(title, "p", "guard");
        var version = (await store.CreateAsync(new NewItem(guard, Json("{}")))).Version!;
        var before = cosmos.Corrections.BatchesExecuted;

        var result = await store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Check(guard, version),
            new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", "a"), Json("{}"))),
            new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", "b"), Json("{}"))),
        ]));

        Assert.True(result.Committed);
        Assert.Equal(before + 1, cosmos.Corrections.BatchesExecuted);
        Assert.Equal(version, (await store.GetAsync(guard))!.Version);
    }

    [Fact]
    public async Task Single_writes_racing_transactions_on_one_item_lose_no_update()
    {
        const int Rounds = 20;
        var title = NewTitle();
        var counter = new ItemKey(title, "p", "counter");
        await CreateAsync(counter, "0");

        async Task IncrementAsync(bool inTransaction, int round)
        {
            while (true)
            {
                var current = await store.GetAsync(counter);
                var next = Json((int.Parse(Encoding.UTF8.GetString(current!.Body), System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (inTransaction)
                {
                    var result = await store.TransactAsync(new Transaction(
                    [
                        new TransactionOperation.Replace(new NewItem(counter, next), current.Version),
                        new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", $"log-{round:D2}"), Json("{}"))),
                    ]));
                    if (result.Committed)
                    {
                        return;
                    }

                    Assert.Equal(WriteOutcome.VersionMismatch, result.FailedOutcome);
                }
                else if ((await store.ReplaceAsync(new NewItem(counter, next), current.Version)).Outcome == WriteOutcome.Written)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Rounds).Select(round => Task.Run(() => IncrementAsync(round % 2 == 0, round))));

        Assert.Equal((Rounds).ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString((await store.GetAsync(counter))!.Body));
        Assert.Equal(Rounds / 2, (await store.QueryAsync(new Query(title, "p", SortKeyCondition.BeginsWith("log-")))).Items.Count);
    }

    [Fact]
    public async Task A_replace_whose_answer_was_lost_and_whose_retry_failed_its_etag_is_Written()
    {
        var key = new ItemKey(NewTitle(), "p", "k");
        var version = (await store.CreateAsync(new NewItem(key, Json("""{"n":1}""")))).Version!;

        cosmos.Corrections.LoseNextWriteAnswer();
        var replaced = await store.ReplaceAsync(new NewItem(key, Json("""{"n":2}""")), version);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        var read = await store.GetAsync(key);
        Assert.Equal(replaced.Version, read!.Version);
        Assert.Equal("""{"n":2}""", Encoding.UTF8.GetString(read.Body));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_and_whose_retry_found_the_item_is_Written()
    {
        var key = new ItemKey(NewTitle(), "p", "k");

        cosmos.Corrections.LoseNextWriteAnswer();
        var created = await store.CreateAsync(new NewItem(key, Json("{}")));

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.Equal(created.Version, (await store.GetAsync(key))!.Version);
    }

    [Fact]
    public async Task A_transaction_whose_batch_committed_but_whose_answer_was_lost_reports_success()
    {
        var title = NewTitle();
        var guard = new ItemKey(title, "p", "guard");
        var version = (await store.CreateAsync(new NewItem(guard, Json("{}")))).Version!;

        cosmos.Corrections.LoseNextWriteAnswer();
        var result = await store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Replace(new NewItem(guard, Json("""{"v":2}""")), version),
            new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", "a"), Json("{}"))),
        ]));

        Assert.True(result.Committed);
        Assert.Equal(result.Versions[0], (await store.GetAsync(guard))!.Version);
        Assert.Equal(result.Versions[1], (await store.GetAsync(new ItemKey(title, "p", "a")))!.Version);
    }

    [Fact]
    public async Task Four_maximum_size_bodies_fit_one_transaction_and_five_throw_ArgumentException()
    {
        var title = NewTitle();
        TransactionOperation Big(int n) => new TransactionOperation.Create(new NewItem(new ItemKey(title, "p", $"big-{n}"), new byte[NewItem.MaxBodyBytes]));

        var four = await store.TransactAsync(new Transaction([.. Enumerable.Range(0, 4).Select(Big)]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TransactAsync(new Transaction([.. Enumerable.Range(10, 5).Select(Big)])));

        Assert.True(four.Committed);
        Assert.Null(await store.GetAsync(new ItemKey(title, "p", "big-10")));
    }

    [Fact]
    public async Task A_partition_key_over_2048_utf8_bytes_throws_ArgumentException()
    {
        // A title id has no length limit of its own; 600 characters and 512 three-byte characters come to 2,141 bytes.
        var key = new ItemKey(new string('t', 600), new string('\u0800', ItemKey.MaxPartitionLength), "s");

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(new NewItem(key, Json("{}"))));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new Query(key.TitleId, key.Partition, SortKeyCondition.All)));
    }

    [Fact]
    public async Task A_well_formed_token_outside_the_query_range_is_rejected()
    {
        var title = NewTitle();
        foreach (var key in new[] { "a1", "a2", "b1" })
        {
            await CreateAsync(new ItemKey(title, "p", key), "{}");
        }

        var query = new Query(title, "p", SortKeyCondition.BeginsWith("a"), Limit: 1);
        var forged = QueryContinuation.Create(query, "b1");

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = forged }));
    }

    [Fact]
    public async Task A_changed_token_is_rejected()
    {
        var title = NewTitle();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await CreateAsync(new ItemKey(title, "p", key), "{}");
        }

        var query = new Query(title, "p", SortKeyCondition.All, Limit: 1);
        var token = (await store.QueryAsync(query)).ContinuationToken!;
        var bytes = Base64Url.DecodeFromChars(token);
        bytes[^1] ^= 1;

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => store.QueryAsync(query with { ContinuationToken = Base64Url.EncodeToString(bytes) }));
    }

    private async Task CreateAsync(ItemKey key, string json) =>
        Assert.Equal(WriteOutcome.Written, (await store.CreateAsync(new NewItem(key, Json(json)))).Outcome);

    private async Task<JsonElement?> RawReadAsync(string partitionKey, string id)
    {
        using var response = await Container.ReadItemStreamAsync(id, new PartitionKey(partitionKey));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(response.Content);
        return document.RootElement.Clone();
    }

    private static string NewTitle() => "title-" + Guid.NewGuid().ToString("N");

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);
}
