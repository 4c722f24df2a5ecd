using GameBackend.Core.Tenancy;

namespace GameBackend.Hosts.Azure;

/// <summary>
/// <c>GameBackend.Hosts.Azure create-title &lt;name&gt; [dedicated|shared|enterprise]</c>: makes a title in the configured
/// store and prints its keys in one machine-parsable line, then exits. A cloud deployment has no first-start title as
/// Hosts.Local has; the operator runs this once with the function app's settings (docs/deploy-azure.md). The server key
/// exists in plaintext only in that line (the store keeps its hash).
/// </summary>
internal static class TitleCommand
{
    public const string Name = "create-title";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length is < 2 or > 3)
        {
            await stderr.WriteLineAsync($"usage: GameBackend.Hosts.Azure {Name} <name> [dedicated|shared|enterprise]");
            return 2;
        }

        var cellType = CellType.Dedicated;
        if (args.Length == 3 && !Enum.TryParse(args[2], ignoreCase: true, out cellType))
        {
            await stderr.WriteLineAsync($"unknown cell type \"{args[2]}\" (dedicated, shared or enterprise)");
            return 2;
        }

        var created = await services.GetRequiredService<TitleService>().CreateAsync(args[1], cellType, null);
        if (!created.IsSuccess)
        {
            await stderr.WriteLineAsync($"{created.Error.Code}: {created.Error.Message}");
            return 1;
        }

        var title = created.Value.Title;
        await stdout.WriteLineAsync($"GameBackend title created: titleId={title.Id} clientKey={title.ClientKey} serverKey={created.Value.ServerKey}");
        return 0;
    }
}
