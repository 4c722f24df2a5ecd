// The scenario generator is shared with Core.Tests (see Matchmaking.csproj) and keeps that project's namespace.
global using GameBackend.Core.Tests.Matchmaking.Matching;
