using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;

namespace GameBackend.Hosts.Local;

/// <summary>Which title the deployment made on its first start.</summary>
internal sealed record DefaultTitleRecord(string TitleId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DefaultTitleRecord))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;

/// <summary>
/// A local deployment is useful at once: the first start makes a title and prints its keys, in one
/// machine-parsable line, so scripts and the README's walk-through can pick them up. The server key exists
/// in plaintext only at that moment (the store keeps its hash), so later starts print the client key only.
/// </summary>
internal static class DefaultTitle
{
    /// <summary>Outside every real title (title ids are 32 hex digits).</summary>
    private static readonly ItemKey RecordKey = new("_system", "deployment", "default-title");

    public static async Task EnsureAsync(IDocumentStore store, TitleService titles, TextWriter stdout, CancellationToken ct)
    {
        var existing = await store.GetAsync(RecordKey, ct);
        if (existing is not null)
        {
            await PrintExistingAsync(existing, titles, stdout, ct);
            return;
        }

        var created = await titles.CreateAsync("Default", CellType.Dedicated, null, ct);
        if (!created.IsSuccess)
        {
            throw new InvalidOperationException($"Could not create the default title: {created.Error.Code}: {created.Error.Message}");
        }

        var title = created.Value.Title;
        var body = JsonSerializer.SerializeToUtf8Bytes(new DefaultTitleRecord(title.Id), LocalJsonContext.Default.DefaultTitleRecord);
        var written = await store.CreateAsync(new NewItem(RecordKey, body), ct);
        if (written.Outcome == WriteOutcome.AlreadyExists)
        {
            // Another process on the same data folder won the race; its title is the default one.
            var winner = await store.GetAsync(RecordKey, ct) ?? throw new InvalidOperationException("The default-title record vanished.");
            await PrintExistingAsync(winner, titles, stdout, ct);
            return;
        }

        if (!written.Succeeded)
        {
            throw new InvalidOperationException($"Could not record the default title: {written.Outcome}.");
        }

        await stdout.WriteLineAsync($"GameBackend default title created: titleId={title.Id} clientKey={title.ClientKey} serverKey={created.Value.ServerKey}");
        await stdout.FlushAsync(ct);
    }

    private static async Task PrintExistingAsync(StoredItem item, TitleService titles, TextWriter stdout, CancellationToken ct)
    {
        var record = JsonSerializer.Deserialize(item.Body, LocalJsonContext.Default.DefaultTitleRecord)
            ?? throw new InvalidOperationException("The default-title record is empty.");
        var title = await titles.FindAsync(record.TitleId, true, ct)
            ?? throw new InvalidOperationException($"The default title {record.TitleId} is recorded but does not exist.");
        await stdout.WriteLineAsync($"GameBackend default title: titleId={title.Id} clientKey={title.ClientKey}");
        await stdout.FlushAsync(ct);
    }
}
