namespace GameBackend.SessionRelay.Tests;

public sealed class RelayOptionsTests
{
    private static string[] Failures(Action<RelayOptions> change)
    {
        var options = new RelayOptions();
        change(options);
        var result = new RelayOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Failures(_ => { }));

    [Theory]
    [InlineData("Endpoint", "not an endpoint")]
    [InlineData("RelayId", "Relay 1")]
    [InlineData("Region", "")]
    [InlineData("Transport", "fast")]
    [InlineData("BackendUrl", "ftp://backend")]
    public void A_bad_setting_is_named(string setting, string value)
    {
        var failures = Failures(o => typeof(RelayOptions).GetProperty(setting)!.SetValue(o, value));
        Assert.Contains(failures, f => f.Contains("Relay:" + setting, StringComparison.Ordinal));
    }

    [Fact]
    public void Heartbeats_need_an_endpoint_clients_can_reach()
    {
        Assert.Contains(Failures(o => o.BackendUrl = "https://backend.example"), f => f.Contains("Relay:PublicEndpoint", StringComparison.Ordinal));
        Assert.Empty(Failures(o =>
        {
            o.BackendUrl = "https://backend.example";
            o.PublicEndpoint = "203.0.113.7:7777";
        }));
    }

    [Fact]
    public void Title_keys_must_be_shaped_like_the_backends()
    {
        var failures = Failures(o => o.Titles.Add(new RelayTitleOptions
        {
            TitleId = "nope",
            Keys = [new RelayKeyOptions { KeyId = "short", Secret = "AAAA" }],
        }));
        Assert.Equal(2, failures.Length);
    }
}
