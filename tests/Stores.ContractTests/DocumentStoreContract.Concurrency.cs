using System.Globalization;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.ContractTests;

public abstract partial class DocumentStoreContract
{
    [Fact]
    public async Task Parallel_replaces_with_the_same_expected_version_let_exactly_one_win()
    {
        const int Writers = 48;
        var key = Key(NewTitle(), "contested");
        var version = await CreateNewAsync(key, """{"writer":-1}""");

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
            Store.ReplaceAsync(new NewItem(key, Json($$"""{"writer":{{writer}}}""")), version))));

        var winners = Enumerable.Range(0, Writers).Where(writer => results[writer].Outcome == WriteOutcome.Written).ToList();
        var winner = Assert.Single(winners);
        Assert.All(results.Where(result => result.Outcome != WriteOutcome.Written), result => Assert.Equal(WriteOutcome.VersionMismatch, result.Outcome));
        var read = await Store.GetAsync(key);
        Assert.Equal($$"""{"writer":{{winner}}}""", Text(read!.Body));
        Assert.Equal(results[winner].Version, read.Version);
    }

    [Fact]
    public async Task Parallel_creates_of_one_key_let_exactly_one_win()
    {
        const int Writers = 32;
        var key = Key(NewTitle(), "first-come");

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
            Store.CreateAsync(new NewItem(key, Json($$"""{"writer":{{writer}}}"""))))));

        Assert.Equal(1, results.Count(result => result.Outcome == WriteOutcome.Written));
        Assert.Equal(Writers - 1, results.Count(result => result.Outcome == WriteOutcome.AlreadyExists));
    }

    [Fact]
    public async Task Concurrent_read_modify_write_loops_lose_no_update()
    {
        const int Workers = 8;
        const int IncrementsPerWorker = 25;
        var key = Key(NewTitle(), "counter");
        await CreateNewAsync(key, "0");

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < IncrementsPerWorker;)
            {
                var current = await Store.GetAsync(key);
                var count = int.Parse(Text(current!.Body), CultureInfo.InvariantCulture);
                var next = Json((count + 1).ToString(CultureInfo.InvariantCulture));
                var result = await Store.ReplaceAsync(new NewItem(key, next), current.Version);
                if (result.Outcome == WriteOutcome.Written)
                {
                    done++;
                }
                else
                {
                    Assert.Equal(WriteOutcome.VersionMismatch, result.Outcome);
                }
            }
        })));

        var final = await Store.GetAsync(key);
        Assert.Equal((Workers * IncrementsPerWorker).ToString(CultureInfo.InvariantCulture), Text(final!.Body));
    }

    [Fact]
    public async Task Parallel_transactions_on_one_version_let_exactly_one_commit()
    {
        const int Writers = 24;
        var title = NewTitle();
        var shared = Key(title, "shared");
        var version = await CreateNewAsync(shared, """{"owner":null}""");

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
            Store.TransactAsync(new Transaction(
            [
                new TransactionOperation.Replace(new NewItem(shared, Json($$"""{"owner":{{writer}}}""")), version),
                new TransactionOperation.Create(new NewItem(Key(title, $"claim-{writer:D2}"), Json("{}"))),
            ])))));

        var winner = Assert.Single(Enumerable.Range(0, Writers), writer => results[writer].Committed);
        Assert.All(results.Where(result => !result.Committed), result =>
        {
            Assert.Equal(0, result.FailedIndex);
            Assert.Equal(WriteOutcome.VersionMismatch, result.FailedOutcome);
        });
        var claims = await ReadAllPagesAsync(new Query(title, "p", SortKeyCondition.BeginsWith("claim-")));
        Assert.Equal([$"claim-{winner:D2}"], SortKeys(claims));
        Assert.Equal($$"""{"owner":{{winner}}}""", Text((await Store.GetAsync(shared))!.Body));
    }
}
