using System.Text;

namespace GameBackend.Stores.Sqlite.Tests;

/// <summary>The code-point arithmetic that turns prefixes and continuation points into index ranges.</summary>
public sealed class SortKeyRangeTests
{
    private static readonly string[] Alphabet = ["a", "b", "z", "\0", "\u007F", "\u00E9", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFF", "\U00010000", "\U0001F600", "\U0010FFFF"];

    [Fact]
    public void Code_point_comparison_agrees_with_utf8_byte_comparison()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 20_000; trial++)
        {
            var left = RandomKey(random);
            var right = RandomKey(random);

            var expected = Math.Sign(Encoding.UTF8.GetBytes(left).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(right)));
            var actual = Math.Sign(SortKeyRange.CompareCodePoints(left, right));

            Assert.True(expected == actual, $"'{Escape(left)}' vs '{Escape(right)}': expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void The_prefix_bound_is_above_every_key_with_the_prefix_and_below_every_other_key_after_it()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 5_000; trial++)
        {
            var prefix = RandomKey(random, minLength: 1);
            var bound = SortKeyRange.AfterEveryKeyStartingWith(prefix);
            var key = random.Next(2) == 0 ? prefix + RandomKey(random) : RandomKey(random);

            var inRange = SortKeyRange.CompareCodePoints(key, prefix) >= 0 && (bound is null || SortKeyRange.CompareCodePoints(key, bound) < 0);

            Assert.True(key.StartsWith(prefix, StringComparison.Ordinal) == inRange, $"prefix '{Escape(prefix)}', bound '{Escape(bound ?? "(none)")}', key '{Escape(key)}'");
        }
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("az", "a{")]
    [InlineData("\uD7FF", "\uE000")]
    [InlineData("a\uFFFF", "a\U00010000")]
    [InlineData("a\U0010FFFF", "b")]
    [InlineData("a\U0010FFFF\U0010FFFF", "b")]
    public void The_prefix_bound_steps_the_last_code_point_that_can_step(string prefix, string expected)
    {
        Assert.Equal(expected, SortKeyRange.AfterEveryKeyStartingWith(prefix));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\U0010FFFF")]
    public void A_prefix_with_nothing_after_it_has_no_bound(string prefix)
    {
        Assert.Null(SortKeyRange.AfterEveryKeyStartingWith(prefix));
    }

    private static string RandomKey(Random random, int minLength = 0)
    {
        var builder = new StringBuilder();
        var length = random.Next(minLength, 5);
        for (var index = 0; index < length; index++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static string Escape(string value) => string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
