namespace GameBackend.Api.Tests;

/// <summary>A title made for a test, with its plaintext keys: the type Api.Tests' ApiClient (linked here) signs players in with.</summary>
public sealed record TestTitle(string Id, string ClientKey, string ServerKey);
