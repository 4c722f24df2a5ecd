using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 4)]
    [InlineData(false, 23)]
    [InlineData(false, 100)]
    [InlineData(true, 1)]
    [InlineData(true, 5)]
    [InlineData(true, 23)]
    public async Task Paging_visits_every_item_once_in_order_and_ends_with_no_token(bool descending, int limit)
    {
        const int ItemCount = 23;
        var title = NewTitle();
        var keys = Enumerable.Range(0, ItemCount).Select(n => $"item-{n * 7 % ItemCount:D3}").ToList();
        foreach (var key in keys)
        {
            await CreateNewAsync(Key(title, key));
        }

        var pages = 0;
        var seen = new List<string>();
        var query = new Query(title, "p", SortKeyCondition.All, descending, limit);
        while (true)
        {
            var page = await Store.QueryAsync(query);
            pages++;
            seen.AddRange(SortKeys(page.Items));
            if (page.ContinuationToken is null)
            {
                break;
            }

            Assert.True(pages <= ItemCount, "paging does not end");
            query = query with { ContinuationToken = page.ContinuationToken };
        }

        var expected = InUtf8Order(keys);
        if (descending)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, seen);
        Assert.Equal((ItemCount + limit - 1) / limit, pages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Paging_a_condition_covers_exactly_the_matching_items(bool descending)
    {
        var title = NewTitle();
        var matching = new List<string>();
        for (var n = 0; n < 15; n++)
        {
            await CreateNewAsync(Key(title, $"a-{n:D2}"));
            await CreateNewAsync(Key(title, $"b-{n:D2}"));
            matching.Add($"b-{n:D2}");
            await CreateNewAsync(Key(title, $"c-{n:D2}"));
        }

        var prefixed = await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.BeginsWith("b-"), descending, Limit: 4));
        var ranged = await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.Between("b-00", "b-14"), descending, Limit: 4));

        if (descending)
        {
            matching.Reverse();
        }

        Assert.Equal(matching, SortKeys(prefixed));
        Assert.Equal(matching, SortKeys(ranged));
    }

    [Fact]
    public async Task A_token_stays_valid_after_the_item_it_ends_on_is_deleted()
    {
        var title = NewTitle();
        var versions = new Dictionary<string, string>();
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            versions[key] = await CreateNewAsync(Key(title, key));
        }

        var first = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 2));
        Assert.Equal(WriteOutcome.Written, (await Store.DeleteAsync(Key(title, "b"), versions["b"])).Outcome);
        var second = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 2, ContinuationToken: first.ContinuationToken));

        Assert.Equal(["a", "b"], SortKeys(first.Items));
        Assert.Equal(["c", "d"], SortKeys(second.Items));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("!!!not base64!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJrIjoiYSJ9")]
    [InlineData("x")]
    public async Task A_garbage_continuation_token_throws_InvalidContinuationTokenException(string token)
    {
        var title = NewTitle();
        await CreateNewAsync(Key(title, "a"));

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, ContinuationToken: token)));
    }

    [Fact]
    public async Task A_token_from_another_partition_is_rejected()
    {
        var title = NewTitle();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await CreateNewAsync(Key(title, key, partition: "one"));
            await CreateNewAsync(Key(title, key, partition: "two"));
        }

        var page = await Store.QueryAsync(new Query(title, "one", SortKeyCondition.All, Limit: 1));

        Assert.NotNull(page.ContinuationToken);
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            Store.QueryAsync(new Query(title, "two", SortKeyCondition.All, Limit: 1, ContinuationToken: page.ContinuationToken)));
    }

    [Fact]
    public async Task A_token_from_another_title_is_rejected()
    {
        var title = NewTitle();
        var otherTitle = NewTitle();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await CreateNewAsync(Key(title, key));
            await CreateNewAsync(Key(otherTitle, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 1));

        Assert.NotNull(page.ContinuationToken);
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            Store.QueryAsync(new Query(otherTitle, "p", SortKeyCondition.All, Limit: 1, ContinuationToken: page.ContinuationToken)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(Query.MaxLimit + 1)]
    public async Task A_limit_outside_1_to_MaxLimit_throws_ArgumentOutOfRangeException(int limit)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Store.QueryAsync(new Query(NewTitle(), "p", SortKeyCondition.All, Limit: limit)));
    }

    [Fact]
    public async Task The_largest_limit_is_accepted()
    {
        var title = NewTitle();
        await CreateNewAsync(Key(title, "only"));

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: Query.MaxLimit));

        Assert.Single(page.Items);
        Assert.Null(page.ContinuationToken);
    }
}
