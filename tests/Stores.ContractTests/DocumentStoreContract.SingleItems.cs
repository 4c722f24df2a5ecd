using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task Get_of_an_absent_item_is_null()
    {
        Assert.Null(await Store.GetAsync(Key(NewTitle(), "nobody")));
    }

    [Fact]
    public async Task Created_item_reads_back_with_its_body_version_and_expiry()
    {
        var key = Key(NewTitle(), "player-1");
        var expiresAt = Start.AddHours(1).AddTicks(1234567);

        var created = await Store.CreateAsync(new NewItem(key, Json("""{"name":"Ada","level":7}"""), expiresAt));
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.NotNull(read);
        Assert.Equal(key, read.Key);
        Assert.Equal("""{"name":"Ada","level":7}""", Text(read.Body));
        Assert.False(string.IsNullOrEmpty(read.Version));
        Assert.Equal(created.Version, read.Version);
        Assert.Equal(expiresAt, read.ExpiresAt);
    }

    [Fact]
    public async Task Created_item_without_expiry_reads_back_without_expiry()
    {
        var key = Key(NewTitle(), "forever");
        await CreateNewAsync(key);

        var read = await Store.GetAsync(key);

        Assert.NotNull(read);
        Assert.Null(read.ExpiresAt);
    }

    [Fact]
    public async Task A_body_of_the_maximum_size_round_trips_byte_for_byte()
    {
        var key = Key(NewTitle(), "big");
        var body = new byte[NewItem.MaxBodyBytes];
        new Random(42).NextBytes(body);

        var created = await Store.CreateAsync(new NewItem(key, body));
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.Written, created.Outcome);
        Assert.NotNull(read);
        Assert.Equal(body, read.Body);
    }

    [Fact]
    public async Task Creating_an_existing_item_is_AlreadyExists_and_keeps_the_first_body()
    {
        var key = Key(NewTitle(), "player-1");
        var firstVersion = await CreateNewAsync(key, """{"n":1}""");

        var second = await Store.CreateAsync(new NewItem(key, Json("""{"n":2}""")));
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.AlreadyExists, second.Outcome);
        Assert.False(second.Succeeded);
        Assert.True(second.Version is null || second.Version == firstVersion);
        Assert.Equal("""{"n":1}""", Text(read!.Body));
        Assert.Equal(firstVersion, read.Version);
    }

    [Fact]
    public async Task Replace_with_the_current_version_writes_the_new_body_and_a_new_version()
    {
        var key = Key(NewTitle(), "player-1");
        var version = await CreateNewAsync(key, """{"n":1}""");

        var replaced = await Store.ReplaceAsync(new NewItem(key, Json("""{"n":2}""")), version);
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.NotEqual(version, replaced.Version);
        Assert.Equal(replaced.Version, read!.Version);
        Assert.Equal("""{"n":2}""", Text(read.Body));
    }

    [Fact]
    public async Task Replace_with_a_stale_version_is_VersionMismatch_and_changes_nothing()
    {
        var key = Key(NewTitle(), "player-1");
        var stale = await CreateNewAsync(key, """{"n":1}""");
        var current = (await Store.ReplaceAsync(new NewItem(key, Json("""{"n":2}""")), stale)).Version;

        var result = await Store.ReplaceAsync(new NewItem(key, Json("""{"n":3}""")), stale);
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.VersionMismatch, result.Outcome);
        Assert.True(result.Version is null || result.Version == current);
        Assert.Equal("""{"n":2}""", Text(read!.Body));
        Assert.Equal(current, read.Version);
    }

    [Fact]
    public async Task Replace_with_a_version_the_store_never_issued_is_VersionMismatch()
    {
        var key = Key(NewTitle(), "player-1");
        await CreateNewAsync(key, """{"n":1}""");

        var result = await Store.ReplaceAsync(new NewItem(key, Json("""{"n":2}""")), "not-a-version");

        Assert.Equal(WriteOutcome.VersionMismatch, result.Outcome);
        Assert.Equal("""{"n":1}""", Text((await Store.GetAsync(key))!.Body));
    }

    [Fact]
    public async Task Replace_of_an_absent_item_is_NotFound_and_creates_nothing()
    {
        var key = Key(NewTitle(), "ghost");

        var result = await Store.ReplaceAsync(new NewItem(key, Json("{}")), "1");

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task Delete_with_the_current_version_removes_the_item()
    {
        var key = Key(NewTitle(), "player-1");
        var version = await CreateNewAsync(key);

        var result = await Store.DeleteAsync(key, version);

        Assert.Equal(WriteOutcome.Written, result.Outcome);
        Assert.Null(result.Version);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task Delete_with_a_wrong_version_is_VersionMismatch_and_the_item_stays()
    {
        var key = Key(NewTitle(), "player-1");
        var stale = await CreateNewAsync(key, """{"n":1}""");
        var current = (await Store.ReplaceAsync(new NewItem(key, Json("""{"n":2}""")), stale)).Version;

        var result = await Store.DeleteAsync(key, stale);
        var read = await Store.GetAsync(key);

        Assert.Equal(WriteOutcome.VersionMismatch, result.Outcome);
        Assert.NotNull(read);
        Assert.Equal(current, read.Version);
        Assert.Equal("""{"n":2}""", Text(read.Body));
    }

    [Fact]
    public async Task Delete_of_an_absent_item_is_NotFound()
    {
        var result = await Store.DeleteAsync(Key(NewTitle(), "ghost"), "1");

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task Every_write_gives_the_item_a_version_it_never_had_before()
    {
        var key = Key(NewTitle(), "player-1");
        var versions = new List<string> { await CreateNewAsync(key, """{"n":0}""") };
        for (var n = 1; n <= 5; n++)
        {
            var result = await Store.ReplaceAsync(new NewItem(key, Json($$"""{"n":{{n}}}""")), versions[^1]);
            Assert.Equal(WriteOutcome.Written, result.Outcome);
            versions.Add(result.Version!);
        }

        Assert.Equal(versions.Count, versions.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_version_from_before_a_delete_does_not_match_the_recreated_item()
    {
        var key = Key(NewTitle(), "player-1");
        var oldVersion = await CreateNewAsync(key, """{"generation":1}""");
        Assert.Equal(WriteOutcome.Written, (await Store.DeleteAsync(key, oldVersion)).Outcome);
        var newVersion = await CreateNewAsync(key, """{"generation":2}""");

        var staleReplace = await Store.ReplaceAsync(new NewItem(key, Json("""{"generation":"stale"}""")), oldVersion);
        var staleDelete = await Store.DeleteAsync(key, oldVersion);

        Assert.NotEqual(oldVersion, newVersion);
        Assert.Equal(WriteOutcome.VersionMismatch, staleReplace.Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, staleDelete.Outcome);
        Assert.Equal("""{"generation":2}""", Text((await Store.GetAsync(key))!.Body));
    }
}
