using System.Text.Json;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace GameBackend.Api.Tests.Infrastructure;

/// <summary>
/// In Development the developer exception page sees exceptions before the problem middleware; client errors
/// must still answer their 4xx problem there, and only real bugs may reach the page.
/// </summary>
public sealed class DeveloperPageFilterTests
{
    [Fact]
    public async Task A_bad_continuation_token_answers_400_problem_even_under_the_developer_page()
    {
        var httpContext = new DefaultHttpContext();
        httpContext.Response.Body = new MemoryStream();
        var nextCalled = false;

        await new ClientErrorDeveloperPageFilter().HandleExceptionAsync(
            new ErrorContext(httpContext, new InvalidContinuationTokenException()),
            _ => { nextCalled = true; return Task.CompletedTask; });

        Assert.False(nextCalled);
        Assert.Equal(400, httpContext.Response.StatusCode);
        httpContext.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(httpContext.Response.Body);
        Assert.Equal("invalid_continuation_token", problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_bug_goes_on_to_the_developer_page()
    {
        var httpContext = new DefaultHttpContext();
        var nextCalled = false;

        await new ClientErrorDeveloperPageFilter().HandleExceptionAsync(
            new ErrorContext(httpContext, new InvalidOperationException("a bug")),
            _ => { nextCalled = true; return Task.CompletedTask; });

        Assert.True(nextCalled);
        Assert.Equal(200, httpContext.Response.StatusCode); // untouched: the page writes its own answer
    }
}
