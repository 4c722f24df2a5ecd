using GameBackend.Core.Tenancy;

namespace GameBackend.Hosts.Aws;

/// <summary>
/// <c>create-title &lt;name&gt; [dedicated|shared|enterprise]</c>: makes a title in the deployment's table and prints its
/// keys once (the store keeps only the server key's hash). The API has no route that creates titles, on purpose: the
/// operator runs this with the deployment's settings and their own AWS credentials (docs/deploy-aws.md).
/// </summary>
internal static class TitleCommand
{
    public const string Name = "create-title";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
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
