using GameBackend.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Api.Admin;

/// <summary>
/// The operator's <c>create-title &lt;name&gt; [dedicated|shared|enterprise]</c> command: makes a title in the configured
/// store and prints its keys in one machine-parsable line (<c>titleId=… clientKey=… serverKey=…</c>), then the host exits.
/// The API has no route that creates titles, on purpose: a cloud deployment has no first-start title as Hosts.Local has,
/// so the operator runs the host's executable once with the deployment's settings and their own credentials
/// (docs/deploy-aws.md, docs/deploy-azure.md). The server key exists in plaintext only in that line (the store keeps its
/// hash). It lives here, beside the admin API, so that every cloud host runs the same command.
/// </summary>
public static class TitleCommand
{
    public const string Name = "create-title";

    /// <summary>True when the host's arguments ask for this command rather than for serving.</summary>
    public static bool IsRequested(string[] args) => args is [Name, ..];

    /// <summary>Runs the command; the exit code is 0 when created, 1 when the store refused, 2 for bad arguments.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length is < 2 or > 3 || string.IsNullOrWhiteSpace(args[1]))
        {
            await stderr.WriteLineAsync($"usage: {Name} <name> [dedicated|shared|enterprise]");
            return 2;
        }

        var cell = CellType.Dedicated;
        if (args.Length == 3 && (!Enum.TryParse(args[2], ignoreCase: true, out cell) || int.TryParse(args[2], out _)))
        {
            await stderr.WriteLineAsync($"unknown cell type \"{args[2]}\": dedicated, shared or enterprise");
            return 2;
        }

        var created = await services.GetRequiredService<TitleService>().CreateAsync(args[1], cell, null);
        if (!created.IsSuccess)
        {
            await stderr.WriteLineAsync($"{created.Error.Code}: {created.Error.Message}");
            return 1;
        }

        var title = created.Value.Title;
        await stdout.WriteLineAsync($"titleId={title.Id} clientKey={title.ClientKey} serverKey={created.Value.ServerKey}");
        return 0;
    }
}
