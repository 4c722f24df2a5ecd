using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using GameBackend.Core.Common;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Sessions;

public sealed class RelayAuthenticationTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"relayId":"relay-1"}""");

    private readonly TestBackend _backend = new();
    private RelayAuthentication _authentication = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _authentication = new RelayAuthentication(_backend.Titles, _backend.Time);
        _title = await _backend.CreateTitleAsync();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private string Timestamp(TimeSpan offset = default) => RelaySignature.TimestampText(_backend.Time.GetUtcNow() + offset);

    private static string Sign(SigningKey key, string timestamp, byte[]? body = null) => RelaySignature.Create(key.KeyId, key.Secret, timestamp, body ?? Body);

    private Task<Result<AuthenticatedRelay>> AuthenticateAsync(string? titleId, string? timestamp, string? signature, byte[]? body = null) =>
        _authentication.AuthenticateAsync(titleId, timestamp, signature, body ?? Body);

    private static void AssertFails(Result<AuthenticatedRelay> result, string code)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal((ErrorKind.Unauthorized, code), (result.Error.Kind, result.Error.Code));
    }

    [Fact]
    public async Task The_signature_is_hmac_sha256_of_timestamp_newline_body_with_the_key_id_in_front()
    {
        var key = _title.CurrentRelayKey!;
        var timestamp = Timestamp();
        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "\n"), .. Body];
        var expected = HMACSHA256.HashData(key.Secret, signed);

        Assert.Equal($"{key.KeyId}:{Base64Url.EncodeToString(expected)}", Sign(key, timestamp));

        var result = await AuthenticateAsync(_title.Id, timestamp, Sign(key, timestamp));
        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(_title.Id, result.Value.Title.Id);
        Assert.Equal(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), result.Value.SignedAt.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData(-60, true)]
    [InlineData(60, true)]
    [InlineData(-61, false)]
    [InlineData(61, false)]
    public async Task The_timestamp_may_be_at_most_a_minute_off(int seconds, bool accepted)
    {
        var timestamp = Timestamp(TimeSpan.FromSeconds(seconds));
        var result = await AuthenticateAsync(_title.Id, timestamp, Sign(_title.CurrentRelayKey!, timestamp));

        if (accepted)
        {
            Assert.True(result.IsSuccess, result.Error?.Message);
        }
        else
        {
            AssertFails(result, ErrorCodes.InvalidRelayTimestamp);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1740830400")]
    [InlineData(" 1740830400")]
    [InlineData("1740830400.0")]
    [InlineData("1740830400000")]
    [InlineData("99999999999999999999")]
    public async Task A_timestamp_that_is_not_unix_seconds_is_refused(string? timestamp) =>
        AssertFails(await AuthenticateAsync(_title.Id, timestamp, Sign(_title.CurrentRelayKey!, timestamp ?? "")), ErrorCodes.InvalidRelayTimestamp);

    [Fact]
    public async Task A_changed_body_timestamp_or_secret_breaks_the_signature()
    {
        var key = _title.CurrentRelayKey!;
        var timestamp = Timestamp();
        var signature = Sign(key, timestamp);

        AssertFails(await AuthenticateAsync(_title.Id, timestamp, signature, Encoding.UTF8.GetBytes("""{"relayId":"relay-2"}""")), ErrorCodes.InvalidRelaySignature);
        AssertFails(await AuthenticateAsync(_title.Id, Timestamp(TimeSpan.FromSeconds(1)), signature), ErrorCodes.InvalidRelaySignature);
        AssertFails(await AuthenticateAsync(_title.Id, timestamp, RelaySignature.Create(key.KeyId, new byte[32], timestamp, Body)), ErrorCodes.InvalidRelaySignature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-colon")]
    [InlineData(":AAAA")]
    [InlineData("KEYID123:")]
    [InlineData("KEYID123:not base64")]
    [InlineData("KEYID123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_signature_header_is_refused(string? signature) =>
        AssertFails(await AuthenticateAsync(_title.Id, Timestamp(), signature), ErrorCodes.InvalidRelaySignature);

    [Fact]
    public async Task Another_titles_key_an_unknown_title_and_a_malformed_title_id_are_refused_alike()
    {
        var other = await _backend.CreateTitleAsync(name: "Other Game");
        var timestamp = Timestamp();
        var othersSignature = Sign(other.CurrentRelayKey!, timestamp);

        AssertFails(await AuthenticateAsync(_title.Id, timestamp, othersSignature), ErrorCodes.InvalidRelaySignature);
        AssertFails(await AuthenticateAsync(Ids.NewId(_backend.Time), timestamp, othersSignature), ErrorCodes.InvalidRelaySignature);
        AssertFails(await AuthenticateAsync("not-a-title", timestamp, othersSignature), ErrorCodes.InvalidRelaySignature);
        AssertFails(await AuthenticateAsync(null, timestamp, othersSignature), ErrorCodes.InvalidRelaySignature);
        Assert.True((await AuthenticateAsync(other.Id, timestamp, othersSignature)).IsSuccess);
    }

    [Fact]
    public async Task Every_active_relay_key_authenticates_and_a_retired_one_does_not()
    {
        var first = _title.CurrentRelayKey!;
        Title title = _title;
        for (var i = 0; i < 3; i++)
        {
            title = (await _backend.Titles.RotateRelayKeyAsync(_title.Id)).Value;
        }

        // Four keys made within an hour: the oldest is retired to keep three active.
        Assert.NotNull(first);
        Assert.NotNull(title.RelayKeys.Single(k => k.KeyId == first.KeyId).RetiredAt);
        var timestamp = Timestamp();
        AssertFails(await AuthenticateAsync(_title.Id, timestamp, Sign(first, timestamp)), ErrorCodes.InvalidRelaySignature);
        foreach (var key in title.RelayKeys.Where(k => k.RetiredAt is null))
        {
            Assert.True((await AuthenticateAsync(_title.Id, timestamp, Sign(key, timestamp))).IsSuccess);
        }
    }

    [Fact]
    public async Task A_key_rotated_in_on_another_host_authenticates_at_once()
    {
        // Warm this host's title cache, then rotate through another host's TitleService on the same store.
        var timestamp = Timestamp();
        Assert.True((await AuthenticateAsync(_title.Id, timestamp, Sign(_title.CurrentRelayKey!, timestamp))).IsSuccess);
        var otherHost = new TitleService(_backend.Store, _backend.Time);
        var rotated = (await otherHost.RotateRelayKeyAsync(_title.Id)).Value.CurrentRelayKey!;

        Assert.True((await AuthenticateAsync(_title.Id, timestamp, Sign(rotated, timestamp))).IsSuccess);
    }
}
