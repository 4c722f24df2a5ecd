using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task A_transaction_applies_every_operation_and_returns_each_version()
    {
        var title = NewTitle();
        var replaced = Key(title, "replaced");
        var deleted = Key(title, "deleted");
        var checkedKey = Key(title, "checked");
        var created = Key(title, "created");
        var replacedVersion = await CreateNewAsync(replaced, """{"v":1}""");
        var deletedVersion = await CreateNewAsync(deleted);
        var checkedVersion = await CreateNewAsync(checkedKey, """{"checked":true}""");

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(created, Json("""{"new":true}"""))),
            new TransactionOperation.Replace(new NewItem(replaced, Json("""{"v":2}""")), replacedVersion),
            new TransactionOperation.Delete(deleted, deletedVersion),
            new TransactionOperation.Check(checkedKey, checkedVersion),
        ]));

        Assert.True(result.Committed);
        Assert.Equal(-1, result.FailedIndex);
        Assert.Equal(4, result.Versions.Count);
        var createdItem = await Store.GetAsync(created);
        var replacedItem = await Store.GetAsync(replaced);
        Assert.Equal(result.Versions[0], createdItem!.Version);
        Assert.Equal("""{"new":true}""", Text(createdItem.Body));
        Assert.Equal(result.Versions[1], replacedItem!.Version);
        Assert.NotEqual(replacedVersion, replacedItem.Version);
        Assert.Equal("""{"v":2}""", Text(replacedItem.Body));
        Assert.Null(result.Versions[2]);
        Assert.Null(result.Versions[3]);
        Assert.Null(await Store.GetAsync(deleted));
        Assert.Equal(checkedVersion, (await Store.GetAsync(checkedKey))!.Version);
    }

    [Fact]
    public async Task A_transaction_whose_create_finds_an_item_writes_nothing()
    {
        var title = NewTitle();
        var existing = Key(title, "existing");
        var replaced = Key(title, "replaced");
        await CreateNewAsync(existing, """{"untouched":true}""");
        var replacedVersion = await CreateNewAsync(replaced, """{"v":1}""");

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(title, "fresh"), Json("{}"))),
            new TransactionOperation.Replace(new NewItem(replaced, Json("""{"v":2}""")), replacedVersion),
            new TransactionOperation.Create(new NewItem(existing, Json("""{"untouched":false}"""))),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(2, result.FailedIndex);
        Assert.Equal(WriteOutcome.AlreadyExists, result.FailedOutcome);
        await AssertUnchangedAsync(title, replaced, replacedVersion, """{"v":1}""");
        Assert.Null(await Store.GetAsync(Key(title, "fresh")));
        Assert.Equal("""{"untouched":true}""", Text((await Store.GetAsync(existing))!.Body));
    }

    [Fact]
    public async Task A_transaction_whose_replace_has_a_stale_version_writes_nothing()
    {
        var title = NewTitle();
        var replaced = Key(title, "replaced");
        var deleted = Key(title, "deleted");
        var stale = await CreateNewAsync(replaced, """{"v":1}""");
        var current = (await Store.ReplaceAsync(new NewItem(replaced, Json("""{"v":2}""")), stale)).Version!;
        var deletedVersion = await CreateNewAsync(deleted);

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Delete(deleted, deletedVersion),
            new TransactionOperation.Replace(new NewItem(replaced, Json("""{"v":3}""")), stale),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(1, result.FailedIndex);
        Assert.Equal(WriteOutcome.VersionMismatch, result.FailedOutcome);
        await AssertUnchangedAsync(title, replaced, current, """{"v":2}""");
        Assert.Equal(deletedVersion, (await Store.GetAsync(deleted))?.Version);
    }

    [Fact]
    public async Task A_transaction_whose_replace_finds_no_item_reports_NotFound()
    {
        var title = NewTitle();

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(title, "a"), Json("{}"))),
            new TransactionOperation.Replace(new NewItem(Key(title, "missing"), Json("{}")), "1"),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(1, result.FailedIndex);
        Assert.Equal(WriteOutcome.NotFound, result.FailedOutcome);
        Assert.Null(await Store.GetAsync(Key(title, "a")));
        Assert.Null(await Store.GetAsync(Key(title, "missing")));
    }

    [Fact]
    public async Task A_transaction_whose_delete_finds_no_item_reports_NotFound_and_writes_nothing()
    {
        var title = NewTitle();
        var replaced = Key(title, "replaced");
        var version = await CreateNewAsync(replaced, """{"v":1}""");

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Replace(new NewItem(replaced, Json("""{"v":2}""")), version),
            new TransactionOperation.Create(new NewItem(Key(title, "b"), Json("{}"))),
            new TransactionOperation.Delete(Key(title, "missing"), version),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(2, result.FailedIndex);
        Assert.Equal(WriteOutcome.NotFound, result.FailedOutcome);
        await AssertUnchangedAsync(title, replaced, version, """{"v":1}""");
        Assert.Null(await Store.GetAsync(Key(title, "b")));
    }

    [Fact]
    public async Task A_transaction_whose_check_fails_writes_nothing()
    {
        var title = NewTitle();
        var guard = Key(title, "guard");
        var stale = await CreateNewAsync(guard, """{"g":1}""");
        var current = (await Store.ReplaceAsync(new NewItem(guard, Json("""{"g":2}""")), stale)).Version!;

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(title, "a"), Json("{}"))),
            new TransactionOperation.Create(new NewItem(Key(title, "b"), Json("{}"))),
            new TransactionOperation.Check(guard, stale),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(2, result.FailedIndex);
        Assert.Equal(WriteOutcome.VersionMismatch, result.FailedOutcome);
        await AssertUnchangedAsync(title, guard, current, """{"g":2}""");
        Assert.Null(await Store.GetAsync(Key(title, "a")));
    }

    [Fact]
    public async Task A_transaction_checking_an_expired_item_reports_NotFound()
    {
        var title = NewTitle();
        var guard = Key(title, "guard");
        var version = await CreateNewAsync(guard, expiresAt: Start.AddMinutes(1));
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Check(guard, version),
            new TransactionOperation.Create(new NewItem(Key(title, "a"), Json("{}"))),
        ]));

        Assert.False(result.Committed);
        Assert.Equal(0, result.FailedIndex);
        Assert.Equal(WriteOutcome.NotFound, result.FailedOutcome);
        Assert.Null(await Store.GetAsync(Key(title, "a")));
    }

    [Fact]
    public async Task A_transaction_may_create_over_an_expired_item()
    {
        var title = NewTitle();
        var key = Key(title, "lease");
        await CreateNewAsync(key, """{"old":true}""", Start.AddMinutes(1));
        Time.Advance(TimeSpan.FromMinutes(2));

        var result = await Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(key, Json("""{"old":false}"""))),
        ]));

        Assert.True(result.Committed);
        Assert.Equal("""{"old":false}""", Text((await Store.GetAsync(key))!.Body));
    }

    [Fact]
    public async Task A_transaction_of_the_maximum_size_commits()
    {
        var title = NewTitle();
        var operations = Enumerable.Range(0, Transaction.MaxOperations)
            .Select(n => (TransactionOperation)new TransactionOperation.Create(new NewItem(Key(title, $"item-{n:D3}"), Json("{}"))))
            .ToList();

        var result = await Store.TransactAsync(new Transaction(operations));

        Assert.True(result.Committed);
        Assert.Equal(Transaction.MaxOperations, result.Versions.Count);
        Assert.Equal(Transaction.MaxOperations, (await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.All, Limit: 30))).Count);
    }

    [Fact]
    public async Task A_transaction_across_partitions_throws_ArgumentException()
    {
        var title = NewTitle();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(title, "a", partition: "one"), Json("{}"))),
            new TransactionOperation.Create(new NewItem(Key(title, "a", partition: "two"), Json("{}"))),
        ])));
        Assert.Null(await Store.GetAsync(Key(title, "a", partition: "one")));
    }

    [Fact]
    public async Task A_transaction_across_titles_throws_ArgumentException()
    {
        var titleA = NewTitle();
        var titleB = NewTitle();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(titleA, "a"), Json("{}"))),
            new TransactionOperation.Create(new NewItem(Key(titleB, "a"), Json("{}"))),
        ])));
        Assert.Null(await Store.GetAsync(Key(titleA, "a")));
    }

    [Fact]
    public async Task A_transaction_naming_a_key_twice_throws_ArgumentException()
    {
        var title = NewTitle();
        var key = Key(title, "twice");
        var version = await CreateNewAsync(key);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Check(key, version),
            new TransactionOperation.Delete(key, version),
        ])));
        Assert.NotNull(await Store.GetAsync(key));
    }

    [Fact]
    public async Task An_empty_or_oversized_transaction_throws_ArgumentException()
    {
        var title = NewTitle();
        var tooMany = Enumerable.Range(0, Transaction.MaxOperations + 1)
            .Select(n => (TransactionOperation)new TransactionOperation.Create(new NewItem(Key(title, $"item-{n:D3}"), Json("{}"))))
            .ToList();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction([])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction(tooMany)));
        Assert.Empty((await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All))).Items);
    }

    private async Task AssertUnchangedAsync(string title, ItemKey key, string version, string json)
    {
        var item = await Store.GetAsync(key);
        Assert.NotNull(item);
        Assert.Equal(title, item.Key.TitleId);
        Assert.Equal(version, item.Version);
        Assert.Equal(json, Text(item.Body));
    }
}
