using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task Titles_with_the_same_partition_and_sort_key_are_independent()
    {
        var titleA = NewTitle();
        var titleB = NewTitle();
        var keyA = Key(titleA, "player-1", partition: "accounts");
        var keyB = Key(titleB, "player-1", partition: "accounts");
        var versionA = await CreateNewAsync(keyA, """{"title":"A"}""");
        var versionB = await CreateNewAsync(keyB, """{"title":"B"}""");

        Assert.Equal("""{"title":"A"}""", Text((await Store.GetAsync(keyA))!.Body));
        Assert.Equal("""{"title":"B"}""", Text((await Store.GetAsync(keyB))!.Body));
        var queryA = await Store.QueryAsync(new Query(titleA, "accounts", SortKeyCondition.All));
        Assert.Equal([keyA], queryA.Items.Select(item => item.Key));
        Assert.Equal("""{"title":"A"}""", Text(queryA.Items[0].Body));

        var replacedA = await Store.ReplaceAsync(new NewItem(keyA, Json("""{"title":"A2"}""")), versionA);
        Assert.Equal(WriteOutcome.Written, replacedA.Outcome);
        Assert.Equal("""{"title":"B"}""", Text((await Store.GetAsync(keyB))!.Body));
        Assert.Equal(versionB, (await Store.GetAsync(keyB))!.Version);

        Assert.Equal(WriteOutcome.Written, (await Store.DeleteAsync(keyA, replacedA.Version!)).Outcome);
        Assert.Null(await Store.GetAsync(keyA));
        Assert.NotNull(await Store.GetAsync(keyB));
        Assert.Single((await Store.QueryAsync(new Query(titleB, "accounts", SortKeyCondition.All))).Items);
    }

    [Fact]
    public async Task An_item_in_one_title_is_absent_in_another()
    {
        var titleA = NewTitle();
        var titleB = NewTitle();
        var versionA = await CreateNewAsync(Key(titleA, "only-in-a"));

        var replacedInB = await Store.ReplaceAsync(new NewItem(Key(titleB, "only-in-a"), Json("{}")), versionA);
        var deletedInB = await Store.DeleteAsync(Key(titleB, "only-in-a"), versionA);

        Assert.Null(await Store.GetAsync(Key(titleB, "only-in-a")));
        Assert.Equal(WriteOutcome.NotFound, replacedInB.Outcome);
        Assert.Equal(WriteOutcome.NotFound, deletedInB.Outcome);
        Assert.Empty((await Store.QueryAsync(new Query(titleB, "p", SortKeyCondition.All))).Items);
        Assert.NotNull(await Store.GetAsync(Key(titleA, "only-in-a")));
    }
}
