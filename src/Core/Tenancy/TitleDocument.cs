namespace GameBackend.Core.Tenancy;

/// <summary>The stored form of a <see cref="Title"/>; the version lives on the item, not in the body.</summary>
internal sealed record TitleDocument(
    string Id,
    string Name,
    CellType CellType,
    string ClientKey,
    string ServerKeyHash,
    TitleSettings Settings,
    IReadOnlyList<SigningKey> SigningKeys,
    DateTimeOffset CreatedAt)
{
    /// <summary>Absent on titles stored before relay keys existed.</summary>
    public IReadOnlyList<SigningKey>? RelayKeys { get; init; }

    public Title ToTitle(string version) =>
        new(Id, Name, CellType, ClientKey, ServerKeyHash, Settings, SigningKeys, CreatedAt, version) { RelayKeys = RelayKeys ?? [] };
}
