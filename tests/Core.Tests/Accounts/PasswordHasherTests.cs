using GameBackend.Core.Accounts;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Accounts;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Real_owasp_parameters_make_a_phc_string_that_verifies()
    {
        var hasher = new PasswordHasher();

        var hash = hasher.Hash("correct horse battery");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        var parts = hash.Split('$');
        Assert.Equal(16, Convert.FromBase64String(parts[4] + "==").Length);
        Assert.Equal(32, Convert.FromBase64String(parts[5] + "=").Length);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify("correct horse battery", hash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify("correct horse batterY", hash));
    }

    [Fact]
    public void Salts_differ_and_hashes_made_with_other_parameters_ask_for_a_rehash()
    {
        var cheap = new PasswordHasher(TestBackend.CheapHashing);
        var stronger = new PasswordHasher(TestBackend.CheapHashing with { Iterations = 2 });

        var hash = cheap.Hash("a fine password");

        Assert.NotEqual(hash, cheap.Hash("a fine password"));
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, stronger.Verify("a fine password", hash));
        Assert.Equal(PasswordVerification.Failed, stronger.Verify("another password", hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$AAAA")]
    [InlineData("$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_or_dangerous_stored_hashes_never_verify(string stored)
    {
        Assert.Equal(PasswordVerification.Failed, new PasswordHasher(TestBackend.CheapHashing).Verify("anything", stored));
    }

    [Fact]
    public async Task Sign_in_upgrades_a_hash_made_with_outdated_parameters()
    {
        await using var backend = new TestBackend();
        var title = await backend.CreateTitleAsync();
        var weak = new AccountService(backend.Store, backend.Titles, backend.Tokens, new PasswordHasher(TestBackend.CheapHashing with { MemoryKiB = 32 }), backend.Events.Publisher(), backend.Time);
        await weak.SignUpWithEmailAsync(title, "dora@example.com", "a fine password");

        Assert.True((await backend.Accounts.SignInWithEmailAsync(title, "dora@example.com", "a fine password")).IsSuccess);

        var link = await backend.Store.GetAsync(AccountService.IdentityKey(title.Id, SignInMethod.Email, "dora@example.com"));
        Assert.Contains("m=64,", System.Text.Encoding.UTF8.GetString(link!.Body), StringComparison.Ordinal);
        Assert.True((await backend.Accounts.SignInWithEmailAsync(title, "dora@example.com", "a fine password")).IsSuccess);
    }

    [Fact]
    public async Task No_more_hashes_run_at_once_than_the_gate_allows_and_every_one_completes()
    {
        var hasher = new PasswordHasher(TestBackend.CheapHashing, maxConcurrentHashes: 2);
        var stored = hasher.Hash("a fine password");

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            hasher.VerifyAsync(i % 2 == 0 ? "a fine password" : "a wrong password", stored))));

        Assert.InRange(hasher.PeakConcurrency, 1, 2);
        Assert.Equal(12, results.Count(r => r == PasswordVerification.Succeeded));
        Assert.Equal(12, results.Count(r => r == PasswordVerification.Failed));
    }
}
