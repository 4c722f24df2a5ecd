using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    /// <summary>
    /// Keys whose UTF-8 byte order differs from culture order, case-insensitive order and UTF-16 order:
    /// upper case before lower case, digits before letters, and U+FF21 (3 UTF-8 bytes, EF ..) before
    /// U+1F600 (4 bytes, F0 ..) although in UTF-16 the emoji's surrogate (D83D) sorts first.
    /// </summary>
    private static readonly string[] KeysInUtf8Order =
    [
        "0", "10", "9", "A", "B", "Z", "a", "aB", "ab", "b", "z", "~", "\u00E4", "\u00E9", "\u65E5\u672C", "\uFF21", "\U0001F600",
    ];

    [Fact]
    public async Task Query_returns_items_in_utf8_byte_order()
    {
        var title = NewTitle();
        foreach (var key in KeysInUtf8Order.Reverse())
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All));

        Assert.Equal(KeysInUtf8Order, SortKeys(page.Items));
        Assert.Equal(KeysInUtf8Order, InUtf8Order(KeysInUtf8Order));
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Descending_query_returns_items_in_reverse_utf8_byte_order()
    {
        var title = NewTitle();
        foreach (var key in KeysInUtf8Order)
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Descending: true));

        Assert.Equal(KeysInUtf8Order.Reverse(), SortKeys(page.Items));
    }

    [Fact]
    public async Task Query_items_carry_key_body_version_and_expiry()
    {
        var title = NewTitle();
        var expiresAt = Start.AddDays(1);
        var version = await CreateNewAsync(Key(title, "k1"), """{"x":1}""", expiresAt);

        var item = Assert.Single((await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All))).Items);

        Assert.Equal(Key(title, "k1"), item.Key);
        Assert.Equal("""{"x":1}""", Text(item.Body));
        Assert.Equal(version, item.Version);
        Assert.Equal(expiresAt, item.ExpiresAt);
    }

    [Fact]
    public async Task Query_of_an_empty_partition_is_an_empty_last_page()
    {
        var page = await Store.QueryAsync(new Query(NewTitle(), "empty", SortKeyCondition.All));

        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Query_stays_inside_its_partition()
    {
        var title = NewTitle();
        await CreateNewAsync(Key(title, "a", partition: "inventory"));
        await CreateNewAsync(Key(title, "b", partition: "inventory"));
        await CreateNewAsync(Key(title, "a", partition: "inventory2"));
        await CreateNewAsync(Key(title, "c", partition: "inv"));

        var page = await Store.QueryAsync(new Query(title, "inventory", SortKeyCondition.All));

        Assert.Equal(["a", "b"], SortKeys(page.Items));
        Assert.All(page.Items, item => Assert.Equal("inventory", item.Key.Partition));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Prefix_condition_returns_exactly_the_keys_that_start_with_it(bool descending)
    {
        var title = NewTitle();
        string[] all = ["`z", "a", "a0", "aZ", "a\u00FF", "a\U0010FFFF", "a\U0010FFFFz", "b", "A", "ba"];
        foreach (var key in all)
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.BeginsWith("a"), descending));

        var expected = InUtf8Order(all.Where(key => key.StartsWith('a')));
        if (descending)
        {
            expected.Reverse();
        }

        Assert.Equal(expected, SortKeys(page.Items));
    }

    [Fact]
    public async Task Prefix_ending_in_the_highest_code_point_still_bounds_the_range()
    {
        var title = NewTitle();
        foreach (var key in new[] { "k", "k\U0010FFFF", "k\U0010FFFF\U0010FFFF", "k\U0010FFFFx", "l", "l0" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.BeginsWith("k\U0010FFFF")));

        Assert.Equal(["k\U0010FFFF", "k\U0010FFFFx", "k\U0010FFFF\U0010FFFF"], SortKeys(page.Items));
    }

    [Fact]
    public async Task Prefix_of_a_non_ascii_character_excludes_the_next_character()
    {
        var title = NewTitle();
        foreach (var key in new[] { "\u00E9", "\u00E9t\u00E9", "\u00EA", "e", "\u00E9\uFFFF" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.BeginsWith("\u00E9")));

        Assert.Equal(["\u00E9", "\u00E9t\u00E9", "\u00E9\uFFFF"], SortKeys(page.Items));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Between_includes_both_bounds(bool descending)
    {
        var title = NewTitle();
        foreach (var key in new[] { "a1", "a2", "a3", "b1", "b10", "b2", "c" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.Between("a2", "b10"), descending));

        string[] expected = ["a2", "a3", "b1", "b10"];
        Assert.Equal(descending ? expected.Reverse() : expected, SortKeys(page.Items));
    }

    [Fact]
    public async Task Between_with_bounds_that_are_not_keys_returns_the_keys_inside()
    {
        var title = NewTitle();
        foreach (var key in new[] { "a1", "a2", "a3", "b1" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var page = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.Between("a15", "a25")));

        Assert.Equal(["a2"], SortKeys(page.Items));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AtLeast_and_AtMost_include_their_bound(bool descending)
    {
        var title = NewTitle();
        foreach (var key in new[] { "2024-01", "2024-02", "2024-03", "2024-04" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var atLeast = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.AtLeast("2024-03"), descending));
        var atMost = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.AtMost("2024-02"), descending));

        string[] expectedAtLeast = ["2024-03", "2024-04"];
        string[] expectedAtMost = ["2024-01", "2024-02"];
        Assert.Equal(descending ? expectedAtLeast.Reverse() : expectedAtLeast, SortKeys(atLeast.Items));
        Assert.Equal(descending ? expectedAtMost.Reverse() : expectedAtMost, SortKeys(atMost.Items));
    }

    [Fact]
    public async Task Limit_caps_the_page_and_descending_starts_from_the_end()
    {
        var title = NewTitle();
        foreach (var key in new[] { "1", "2", "3", "4", "5" })
        {
            await CreateNewAsync(Key(title, key));
        }

        var first = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Limit: 2));
        var last = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All, Descending: true, Limit: 2));

        Assert.Equal(["1", "2"], SortKeys(first.Items));
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(["5", "4"], SortKeys(last.Items));
        Assert.NotNull(last.ContinuationToken);
    }
}
