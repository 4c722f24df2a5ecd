using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task An_item_is_visible_until_it_expires_and_absent_after()
    {
        var title = NewTitle();
        var key = Key(title, "session");
        await CreateNewAsync(key, expiresAt: Start.AddMinutes(1));

        Time.Advance(TimeSpan.FromSeconds(59));
        var beforeExpiry = await Store.GetAsync(key);
        var queryBeforeExpiry = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All));
        Time.Advance(TimeSpan.FromSeconds(2));
        var afterExpiry = await Store.GetAsync(key);
        var queryAfterExpiry = await Store.QueryAsync(new Query(title, "p", SortKeyCondition.All));

        Assert.NotNull(beforeExpiry);
        Assert.Single(queryBeforeExpiry.Items);
        Assert.Null(afterExpiry);
        Assert.Empty(queryAfterExpiry.Items);
    }

    [Fact]
    public async Task Expired_items_drop_out_of_queries_but_live_ones_stay()
    {
        var title = NewTitle();
        await CreateNewAsync(Key(title, "a"), expiresAt: Start.AddMinutes(1));
        await CreateNewAsync(Key(title, "b"));
        await CreateNewAsync(Key(title, "c"), expiresAt: Start.AddDays(1));
        await CreateNewAsync(Key(title, "d"), expiresAt: Start.AddMinutes(2));

        Time.Advance(TimeSpan.FromMinutes(5));
        var all = await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.All, Limit: 1));
        var descending = await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.All, Descending: true, Limit: 1));

        Assert.Equal(["b", "c"], SortKeys(all));
        Assert.Equal(["c", "b"], SortKeys(descending));
    }

    [Fact]
    public async Task Create_over_an_expired_item_succeeds_with_the_new_body_and_a_new_version()
    {
        var key = Key(NewTitle(), "lock");
        var oldVersion = await CreateNewAsync(key, """{"holder":"old"}""", Start.AddSeconds(30));
        Time.Advance(TimeSpan.FromMinutes(1));

        var created = await Store.CreateAsync(new NewItem(key, Json("""{"holder":"new"}""")));
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.NotEqual(oldVersion, created.Version);
        Assert.Equal("""{"holder":"new"}""", Text(read!.Body));
        Assert.Null(read.ExpiresAt);
    }

    [Fact]
    public async Task Create_over_a_live_expiring_item_is_AlreadyExists()
    {
        var key = Key(NewTitle(), "lock");
        await CreateNewAsync(key, """{"holder":"old"}""", Start.AddMinutes(1));
        Time.Advance(TimeSpan.FromSeconds(30));

        var created = await Store.CreateAsync(new NewItem(key, Json("""{"holder":"new"}""")));

        Assert.Equal(WriteOutcome.AlreadyExists, created.Outcome);
    }

    [Fact]
    public async Task Replace_and_delete_of_an_expired_item_are_NotFound()
    {
        var key = Key(NewTitle(), "session");
        var version = await CreateNewAsync(key, expiresAt: Start.AddMinutes(1));
        Time.Advance(TimeSpan.FromMinutes(2));

        var replaced = await Store.ReplaceAsync(new NewItem(key, Json("{}")), version);
        var deleted = await Store.DeleteAsync(key, version);

        Assert.Equal(WriteOutcome.NotFound, replaced.Outcome);
        Assert.Equal(WriteOutcome.NotFound, deleted.Outcome);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task An_item_without_expiry_stays_however_much_time_passes()
    {
        var key = Key(NewTitle(), "profile");
        var version = await CreateNewAsync(key, """{"keep":true}""");

        Time.Advance(TimeSpan.FromDays(3650));
        var read = await Store.GetAsync(key);

        Assert.NotNull(read);
        Assert.Equal(version, read.Version);
    }

    [Fact]
    public async Task Replace_can_extend_or_clear_an_expiry()
    {
        var title = NewTitle();
        var extended = Key(title, "extended");
        var cleared = Key(title, "cleared");
        var extendedVersion = await CreateNewAsync(extended, expiresAt: Start.AddMinutes(1));
        var clearedVersion = await CreateNewAsync(cleared, expiresAt: Start.AddMinutes(1));

        await Store.ReplaceAsync(new NewItem(extended, Json("{}"), Start.AddHours(1)), extendedVersion);
        await Store.ReplaceAsync(new NewItem(cleared, Json("{}")), clearedVersion);
        Time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(Start.AddHours(1), (await Store.GetAsync(extended))?.ExpiresAt);
        Assert.NotNull(await Store.GetAsync(cleared));
        Assert.Null((await Store.GetAsync(cleared))!.ExpiresAt);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Store.GetAsync(extended));
        Assert.NotNull(await Store.GetAsync(cleared));
    }

    [Fact]
    public async Task Replace_can_make_an_item_expire()
    {
        var key = Key(NewTitle(), "soon");
        var version = await CreateNewAsync(key);

        var replaced = await Store.ReplaceAsync(new NewItem(key, Json("{}"), Start.AddMinutes(1)), version);
        Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.Null(await Store.GetAsync(key));
    }
}
