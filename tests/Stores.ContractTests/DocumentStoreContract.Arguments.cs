using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

/// <summary>Malformed calls are programming errors: they throw instead of returning an outcome.</summary>
public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task A_body_over_the_limit_throws_ArgumentException_and_writes_nothing()
    {
        var key = Key(NewTitle(), "huge");
        var body = new byte[NewItem.MaxBodyBytes + 1];

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(new NewItem(key, body)));
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task A_replace_with_a_body_over_the_limit_throws_ArgumentException_and_changes_nothing()
    {
        var key = Key(NewTitle(), "huge");
        var version = await CreateNewAsync(key, """{"small":true}""");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReplaceAsync(new NewItem(key, new byte[NewItem.MaxBodyBytes + 1]), version));
        Assert.Equal(version, (await Store.GetAsync(key))!.Version);
    }

    [Fact]
    public async Task A_transaction_with_a_body_over_the_limit_throws_ArgumentException()
    {
        var title = NewTitle();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Create(new NewItem(Key(title, "a"), Json("{}"))),
            new TransactionOperation.Create(new NewItem(Key(title, "b"), new byte[NewItem.MaxBodyBytes + 1])),
        ])));
        Assert.Null(await Store.GetAsync(Key(title, "a")));
    }

    [Fact]
    public async Task Keys_at_the_length_limits_are_accepted()
    {
        var key = new ItemKey(NewTitle(), new string('p', ItemKey.MaxPartitionLength), new string('s', ItemKey.MaxSortKeyLength));

        await CreateNewAsync(key);

        Assert.NotNull(await Store.GetAsync(key));
    }

    [Theory]
    [InlineData("", "p", "s")]
    [InlineData("t", "", "s")]
    [InlineData("t", "p", "")]
    [InlineData("t", "long-partition", "s")]
    [InlineData("t", "p", "long-sort-key")]
    public async Task Empty_or_too_long_keys_throw_ArgumentException(string title, string partition, string sortKey)
    {
        var key = new ItemKey(
            title,
            partition == "long-partition" ? new string('p', ItemKey.MaxPartitionLength + 1) : partition,
            sortKey == "long-sort-key" ? new string('s', ItemKey.MaxSortKeyLength + 1) : sortKey);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateAsync(new NewItem(key, Json("{}"))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ReplaceAsync(new NewItem(key, Json("{}")), "1"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(key, "1"));
    }

    [Fact]
    public async Task A_query_with_an_empty_or_too_long_partition_throws_ArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.QueryAsync(new Query(NewTitle(), "", SortKeyCondition.All)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.QueryAsync(new Query(NewTitle(), new string('p', ItemKey.MaxPartitionLength + 1), SortKeyCondition.All)));
    }
}
