using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Accounts;

public sealed class AccessTokensTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Issued_token_validates_to_the_player_title_and_family()
    {
        var title = await _backend.CreateTitleAsync();
        var playerId = Ids.NewId(_backend.Time);
        var familyId = Ids.NewId(_backend.Time);

        var issued = _backend.Tokens.Issue(title, playerId, familyId);
        var principal = (await _backend.Tokens.ValidateAsync(issued.Token)).Value;

        Assert.Equal(new PlayerPrincipal(title.Id, playerId, familyId, issued.ExpiresAt) { IssuedAt = issued.IssuedAt }, principal);
        Assert.Equal(_backend.Time.GetUtcNow().AddSeconds(900), issued.ExpiresAt);
        var (header, payload) = Decode(issued.Token);
        Assert.Equal("HS256", (string?)header["alg"]);
        Assert.Equal($"{title.Id}.{title.SigningKeys[0].KeyId}", (string?)header["kid"]);
        Assert.Equal("gamebackend", (string?)payload["iss"]);
        Assert.Equal(title.Id, (string?)payload["aud"]);
        Assert.Equal(title.Id, (string?)payload["tid"]);
        Assert.Equal(playerId, (string?)payload["sub"]);
        Assert.Equal(familyId, (string?)payload["fam"]);
    }

    [Fact]
    public async Task Expired_tokens_are_rejected_after_the_clock_skew()
    {
        var title = await _backend.CreateTitleAsync();
        var issued = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time));

        _backend.Time.Advance(TimeSpan.FromSeconds(900) + AccessTokens.ClockSkew);
        Assert.True((await _backend.Tokens.ValidateAsync(issued.Token)).IsSuccess);

        _backend.Time.Advance(TimeSpan.FromSeconds(1));
        AssertInvalid(await _backend.Tokens.ValidateAsync(issued.Token));
    }

    [Fact]
    public async Task Tokens_from_the_future_are_rejected()
    {
        var title = await _backend.CreateTitleAsync();
        _backend.Time.Advance(TimeSpan.FromMinutes(5));
        var issued = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time));

        var pastValidator = new AccessTokens(_backend.Titles, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(_backend.Time.GetUtcNow().AddMinutes(-5)));

        AssertInvalid(await pastValidator.ValidateAsync(issued.Token));
    }

    [Fact]
    public async Task Forged_signature_alg_none_and_tampered_payload_are_rejected()
    {
        var title = await _backend.CreateTitleAsync();
        var token = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time)).Token;
        var parts = token.Split('.');
        var (header, payload) = Decode(token);

        var otherSecret = RandomNumberGenerator.GetBytes(32);
        var forged = Sign(header, payload, otherSecret);
        AssertInvalid(await _backend.Tokens.ValidateAsync(forged));

        var noneHeader = header.DeepClone().AsObject();
        noneHeader["alg"] = "none";
        AssertInvalid(await _backend.Tokens.ValidateAsync($"{Encode(noneHeader)}.{parts[1]}."));
        AssertInvalid(await _backend.Tokens.ValidateAsync($"{Encode(noneHeader)}.{parts[1]}.{parts[2]}"));

        var hs512Header = header.DeepClone().AsObject();
        hs512Header["alg"] = "HS512";
        AssertInvalid(await _backend.Tokens.ValidateAsync($"{Encode(hs512Header)}.{parts[1]}.{parts[2]}"));

        var tampered = payload.DeepClone().AsObject();
        tampered["sub"] = Ids.NewId(_backend.Time);
        AssertInvalid(await _backend.Tokens.ValidateAsync($"{parts[0]}.{Encode(tampered)}.{parts[2]}"));

        var longer = payload.DeepClone().AsObject();
        longer["exp"] = (long)payload["exp"]! + 86_400;
        AssertInvalid(await _backend.Tokens.ValidateAsync($"{parts[0]}.{Encode(longer)}.{parts[2]}"));

        // Still valid when signed with the real key: the checks above failed on the signature, not on something else.
        Assert.True((await _backend.Tokens.ValidateAsync(Sign(header, payload, title.SigningKeys[0].Secret))).IsSuccess);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    public async Task Garbage_is_rejected(string? token) => AssertInvalid(await _backend.Tokens.ValidateAsync(token));

    [Fact]
    public async Task Other_titles_key_or_claims_are_rejected()
    {
        var title = await _backend.CreateTitleAsync();
        var other = await _backend.CreateTitleAsync();
        var token = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time)).Token;
        var (header, payload) = Decode(token);

        // This title's token, pointed at the other title's key id.
        var otherKid = header.DeepClone().AsObject();
        otherKid["kid"] = $"{other.Id}.{other.SigningKeys[0].KeyId}";
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(otherKid, payload, title.SigningKeys[0].Secret)));

        // Validly signed by the other title (which a studio could do), but claiming to be for this title.
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(otherKid, payload, other.SigningKeys[0].Secret)));
        var claimsOnlyTid = payload.DeepClone().AsObject();
        claimsOnlyTid["aud"] = other.Id;
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(otherKid, claimsOnlyTid, other.SigningKeys[0].Secret)));

        // A key id with this title but the other title's key id part.
        var mixedKid = header.DeepClone().AsObject();
        mixedKid["kid"] = $"{title.Id}.{other.SigningKeys[0].KeyId}";
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(mixedKid, payload, other.SigningKeys[0].Secret)));

        var wrongIssuer = payload.DeepClone().AsObject();
        wrongIssuer["iss"] = "someone-else";
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(header, wrongIssuer, title.SigningKeys[0].Secret)));
    }

    [Fact]
    public async Task Signing_key_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_kid()
    {
        var title = await _backend.CreateTitleAsync();
        var otherHost = new AccessTokens(new TitleService(_backend.Store, _backend.Time), _backend.Time);
        var before = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time)).Token;
        Assert.True((await otherHost.ValidateAsync(before)).IsSuccess); // the other host caches the title now

        var rotated = (await _backend.Titles.RotateSigningKeyAsync(title.Id)).Value;
        var newKey = SigningKeyRing.Current(rotated.SigningKeys)!;
        var after = _backend.Tokens.Issue(rotated, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time)).Token;

        Assert.Equal($"{title.Id}.{newKey.KeyId}", (string?)Decode(after).Header["kid"]);
        Assert.NotEqual(title.SigningKeys[0].KeyId, newKey.KeyId);
        Assert.True((await _backend.Tokens.ValidateAsync(before)).IsSuccess);
        Assert.True((await _backend.Tokens.ValidateAsync(after)).IsSuccess);
        // The other host does not know the new kid yet and refreshes its cached title once.
        Assert.True((await otherHost.ValidateAsync(after)).IsSuccess);
        Assert.True((await otherHost.ValidateAsync(before)).IsSuccess);
    }

    [Fact]
    public async Task Retired_keys_no_longer_validate()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { AccessTokenLifetimeSeconds = 60, RefreshTokenLifetimeSeconds = 3600 });
        var old = _backend.Tokens.Issue(title, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time)).Token;

        await _backend.Titles.RotateSigningKeyAsync(title.Id);
        _backend.Time.Advance(TimeSpan.FromHours(1));
        var final = (await _backend.Titles.RotateSigningKeyAsync(title.Id)).Value;

        Assert.NotNull(final.SigningKeys.Single(k => k.KeyId == title.SigningKeys[0].KeyId).RetiredAt);
        var (header, payload) = Decode(old);
        payload["exp"] = _backend.Time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds(); // still in its lifetime but for the key
        AssertInvalid(await _backend.Tokens.ValidateAsync(Sign(header, payload, title.SigningKeys[0].Secret)));
    }

    private static void AssertInvalid(Result<PlayerPrincipal> result)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.InvalidToken, result.Error.Code);
        Assert.Equal(ErrorKind.Unauthorized, result.Error.Kind);
    }

    private static (JsonObject Header, JsonObject Payload) Decode(string token)
    {
        var parts = token.Split('.');
        return (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject(), JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject());
    }

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static string Sign(JsonObject header, JsonObject payload, byte[] secret)
    {
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        return $"{signingInput}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
