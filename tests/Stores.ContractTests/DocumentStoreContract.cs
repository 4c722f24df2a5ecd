using System.Text;
using GameBackend.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Stores.ContractTests;

/// <summary>
/// What every <see cref="IDocumentStore"/> must do, written once and run unchanged against each store
/// (SQLite, DynamoDB, Cosmos DB, Firestore). A store's test project subclasses this and supplies the store.
/// Every test writes under fresh random title ids, so a subclass may hand out one shared store.
/// </summary>
public abstract partial class DocumentStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The clock the store judges expiry by; tests move it forward.</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    protected IDocumentStore Store { get; private set; } = null!;

    /// <summary>Creates (or hands out) the store under test; expiry must be judged by <paramref name="time"/>.</summary>
    protected abstract Task<IDocumentStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Releases the store after each test; override when the store is shared.</summary>
    protected virtual async Task ReleaseStoreAsync(IDocumentStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public async Task InitializeAsync() => Store = await CreateStoreAsync(Time);

    public Task DisposeAsync() => Store is null ? Task.CompletedTask : ReleaseStoreAsync(Store);

    protected static string NewTitle() => "title-" + Guid.NewGuid().ToString("N");

    protected static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    protected static string Text(byte[] body) => Encoding.UTF8.GetString(body);

    protected static ItemKey Key(string title, string sortKey, string partition = "p") => new(title, partition, sortKey);

    /// <summary>Creates an item that must not exist yet and returns its version.</summary>
    protected async Task<string> CreateNewAsync(ItemKey key, string json = "{}", DateTimeOffset? expiresAt = null)
    {
        var result = await Store.CreateAsync(new NewItem(key, Json(json), expiresAt));
        Assert.Equal(WriteOutcome.Written, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.Version));
        return result.Version!;
    }

    /// <summary>Reads every page of <paramref name="query"/>, checking each page's size and the token rules on the way.</summary>
    protected async Task<List<StoredItem>> ReadAllPagesAsync(Query query)
    {
        var items = new List<StoredItem>();
        var pages = 0;
        var current = query;
        while (true)
        {
            var page = await Store.QueryAsync(current);
            pages++;
            Assert.True(page.Items.Count <= query.Limit, $"page {pages} has {page.Items.Count} items, more than the limit {query.Limit}");
            items.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                break;
            }

            Assert.Equal(query.Limit, page.Items.Count);
            Assert.True(pages < 10_000, "paging does not end");
            current = current with { ContinuationToken = page.ContinuationToken };
        }

        return items;
    }

    protected static List<string> SortKeys(IEnumerable<StoredItem> items) => items.Select(item => item.Key.SortKey).ToList();

    /// <summary>The order every store must use: ordinal order of the UTF-8 bytes (what DynamoDB does for binary-comparable strings).</summary>
    protected static List<string> InUtf8Order(IEnumerable<string> keys) =>
        keys.OrderBy(key => Encoding.UTF8.GetBytes(key), Utf8BytesComparer.Instance).ToList();

    private sealed class Utf8BytesComparer : IComparer<byte[]>
    {
        public static readonly Utf8BytesComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
