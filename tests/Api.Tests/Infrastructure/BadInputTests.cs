using System.Net;
using System.Text;

namespace GameBackend.Api.Tests.Infrastructure;

/// <summary>
/// Every malformed request is a 4xx problem with its precise code, never a 5xx, and writes nothing: after
/// each bad request the test reads the state back and finds it unchanged.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(SharedApiFactory factory)
{
    private const string Device = "device-badinput-0001";

    /// <summary>(body, content type, status, code). The device id in valid parts is <see cref="Device"/>.</summary>
    public static TheoryData<string, string?, int, string> BadDeviceBodies() => new()
    {
        { """{"deviceId":"device-badinput-0001" """, "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001",}""", "application/json", 400, "invalid_json" },
        { """[{"deviceId":"device-badinput-0001"}]""", "application/json", 400, "invalid_json" },
        { "null", "application/json", 400, "invalid_json" },
        { "\"device-badinput-0001\"", "application/json", 400, "invalid_json" },
        { """{"deviceId":12345678}""", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001","create":"yes"}""", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001","create":1}""", "application/json", 400, "invalid_json" },
        { """{"deviceId":null}""", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001","deviceId":"device-badinput-0002"}""", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001"} trailing""", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001","isAdmin":true}""", "application/json", 400, "unknown_field" },
        { """{"DeviceId":"device-badinput-0001"}""", "application/json", 400, "unknown_field" },
        { """{}""", "application/json", 400, "missing_field" },
        { """{"create":true}""", "application/json", 400, "missing_field" },
        { "", "application/json", 400, "invalid_json" },
        { """{"deviceId":"device-badinput-0001"}""", "text/plain", 415, "unsupported_media_type" },
        { """{"deviceId":"device-badinput-0001"}""", "application/x-www-form-urlencoded", 415, "unsupported_media_type" },
        { """{"deviceId":"device-badinput-0001"}""", null, 415, "unsupported_media_type" },
        { """{"deviceId":"x"}""", "application/json", 400, "invalid_device_id" },
    };

    [Theory]
    [MemberData(nameof(BadDeviceBodies))]
    public async Task Device_sign_in_with_a_bad_body_is_a_problem_and_creates_nothing(string body, string? contentType, int status, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        await client.SendAsync(Raw(HttpMethod.Post, "/v1/auth/device", body, contentType, ("X-Client-Key", title.ClientKey))).AssertProblemAsync(status, code);

        await AssertDeviceUnknownAsync(client, title, Device);
        await AssertDeviceUnknownAsync(client, title, "device-badinput-0002");
    }

    [Fact]
    public async Task Missing_field_problem_names_the_field()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var problem = await client.SendAsync(HttpMethod.Post, "/v1/auth/email", """{"email":"a@example.com"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(400, "missing_field");
        Assert.Contains("password", problem.GetProperty("fields").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_field_problem_names_the_path()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var problem = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", """{"deviceId":"device-badinput-0001","role":"admin"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(400, "unknown_field");
        Assert.Equal("$.role", problem.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Oversized_body_with_content_length_is_413_and_creates_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var body = $$"""{"deviceId":"{{Device}}","create":true{{new string(' ', 70 * 1024)}}}""";
        await client.SendAsync(Raw(HttpMethod.Post, "/v1/auth/device", body, "application/json", ("X-Client-Key", title.ClientKey)))
            .AssertProblemAsync(413, "request_too_large");
        await AssertDeviceUnknownAsync(client, title, Device);
    }

    [Fact]
    public async Task Oversized_chunked_body_without_content_length_is_413_and_creates_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var bytes = Encoding.UTF8.GetBytes($$"""{"deviceId":"{{Device}}"{{new string(' ', 200 * 1024)}}}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device")
        {
            Content = new StreamContent(new UnknownLengthStream(bytes)),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Client-Key", title.ClientKey);
        Assert.Null(request.Content.Headers.ContentLength);

        await client.SendAsync(request).AssertProblemAsync(413, "request_too_large");
        await AssertDeviceUnknownAsync(client, title, Device);
    }

    [Fact]
    public async Task Bad_profile_patches_leave_the_profile_unchanged()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        using (var set = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"Before","locale":"en-GB"}""", session.AccessToken))
        {
            await set.ReadJsonAsync(HttpStatusCode.OK);
        }

        var (etagBefore, bodyBefore) = await ReadProfileAsync(client, session);
        (string Body, string? ContentType, int Status, string Code)[] cases =
        [
            ("""{"displayName":"After" """, "application/json", 400, "invalid_json"),
            ("""{"displayName":5}""", "application/json", 400, "invalid_json"),
            ("""{"displayName":"After","nickname":"x"}""", "application/json", 400, "unknown_field"),
            ("""{"displayName":"After","metadata":"not an object"}""", "application/json", 400, "invalid_metadata"),
            ("""{"displayName":"!!!"}""", "application/json", 400, "invalid_display_name"),
            ("""{"avatarUrl":"javascript:alert(1)"}""", "application/json", 400, "invalid_avatar_url"),
            ($$$"""{"displayName":"After","metadata":{"x":"{{{new string('a', 70 * 1024)}}}"}}""", "application/json", 413, "request_too_large"),
            ("""{"displayName":"After"}""", "text/plain", 415, "unsupported_media_type"),
            ("[]", "application/json", 400, "invalid_json"),
        ];
        foreach (var (body, contentType, status, code) in cases)
        {
            await client.SendAsync(Raw(HttpMethod.Patch, "/v1/profile", body, contentType, ("Authorization", "Bearer " + session.AccessToken)))
                .AssertProblemAsync(status, code);
        }

        var (etagAfter, bodyAfter) = await ReadProfileAsync(client, session);
        Assert.Equal(etagBefore, etagAfter);
        Assert.Equal(bodyBefore, bodyAfter);
    }

    [Fact]
    public async Task Bad_admin_bodies_leave_the_player_unchanged()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        var url = $"/v1/admin/players/{session.PlayerId}";
        using var before = await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey);
        var beforeText = await before.Content.ReadAsStringAsync();

        await client.SendAsync(HttpMethod.Put, url + "/ban", """{}""", serverKey: title.ServerKey).AssertProblemAsync(400, "missing_field");
        await client.SendAsync(HttpMethod.Put, url + "/ban", """{"until":"tomorrow"}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_json");
        await client.SendAsync(HttpMethod.Put, url + "/ban", """{"until":"2999-01-01T00:00:00Z","forever":true}""", serverKey: title.ServerKey).AssertProblemAsync(400, "unknown_field");
        await client.SendAsync(HttpMethod.Put, url + "/ban", """{"until":"2000-01-01T00:00:00Z"}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_ban_until");
        await client.SendAsync(HttpMethod.Post, url + "/link/custom", """{"customId":42}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_json");
        await client.SendAsync(HttpMethod.Post, url + "/link/custom", """{"customId":""}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_custom_id");

        using var after = await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey);
        Assert.Equal(beforeText, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_settings_leave_the_settings_unchanged()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        using var before = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        var beforeText = await before.Content.ReadAsStringAsync();

        await client.SendAsync(HttpMethod.Put, "/v1/admin/title/settings", """{"uniqueDisplayNames":true}""", serverKey: title.ServerKey).AssertProblemAsync(400, "missing_field");
        await client.SendAsync(HttpMethod.Put, "/v1/admin/title/settings",
            """{"uniqueDisplayNames":true,"accessTokenLifetimeSeconds":"900","refreshTokenLifetimeSeconds":2592000,"requestsPerSecond":0,"requestsPerSecondPerClient":0}""",
            serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_json");
        await client.SendAsync(HttpMethod.Put, "/v1/admin/title/settings",
            """{"uniqueDisplayNames":true,"accessTokenLifetimeSeconds":1,"refreshTokenLifetimeSeconds":2592000,"requestsPerSecond":0,"requestsPerSecondPerClient":0}""",
            serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_access_token_lifetime");

        using var after = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        Assert.Equal(beforeText, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_link_and_unlink_bodies_leave_the_account_unchanged()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        using var before = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: session.AccessToken);
        var beforeText = await before.Content.ReadAsStringAsync();

        await client.SendAsync(HttpMethod.Post, "/v1/account/link/device", """{"device":"device-link-0001"}""", session.AccessToken).AssertProblemAsync(400, "unknown_field");
        await client.SendAsync(HttpMethod.Post, "/v1/account/link/device", """{"deviceId":["device-link-0001"]}""", session.AccessToken).AssertProblemAsync(400, "invalid_json");
        await client.SendAsync(HttpMethod.Post, "/v1/account/link/email", """{"email":"a@example.com"}""", session.AccessToken).AssertProblemAsync(400, "missing_field");
        await client.SendAsync(HttpMethod.Post, "/v1/account/link/email", """{"email":"not-an-email","password":"correct horse battery"}""", session.AccessToken).AssertProblemAsync(400, "invalid_email");
        await client.SendAsync(HttpMethod.Post, "/v1/account/unlink", """{"method":"phone","subject":"x"}""", session.AccessToken).AssertProblemAsync(400, "invalid_sign_in_method");
        await client.SendAsync(HttpMethod.Post, "/v1/account/unlink", """{"method":"device"}""", session.AccessToken).AssertProblemAsync(400, "missing_field");

        using var after = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: session.AccessToken);
        Assert.Equal(beforeText, await after.Content.ReadAsStringAsync());
    }

    internal static HttpRequestMessage Raw(HttpMethod method, string url, string body, string? contentType, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static async Task AssertDeviceUnknownAsync(HttpClient client, TestTitle title, string deviceId) =>
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}","create":false}""", clientKey: title.ClientKey)
            .AssertProblemAsync(404, "account_not_found");

    private static async Task<(string? ETag, string Body)> ReadProfileAsync(HttpClient client, Session session)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.ETag?.Tag, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A stream that will not say how long it is, so the client sends the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
