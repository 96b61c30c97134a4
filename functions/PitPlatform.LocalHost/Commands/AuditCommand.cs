using Npgsql;
using PitPlatform.Contracts.Keys;
using PitPlatform.Governance.Audit;
using PitPlatform.Hosting;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// <c>./pit audit verify [--tenant T]</c>: walks every tenant's audit chain (<see cref="AuditVerifier"/>), prints one
/// line per chain and exits 1 naming the first bad entry. Exit codes: 0 intact, 1 broken, 2 usage or a missing setting.
/// </summary>
public static class AuditCommand
{
    public const string Name = "audit";
    private const string Usage = "usage: ./pit audit verify [--tenant TENANT]";

    public static Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        CancellationToken cancellationToken
    ) => RunAsync(configuration, args, Console.Out, Console.Error, cancellationToken);

    public static async Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        TextWriter output,
        TextWriter errors,
        CancellationToken cancellationToken
    )
    {
        string? tenant = null;
        var problem =
            args.Length == 0 ? "missing subcommand"
            : args[0] != "verify" ? $"unknown subcommand '{args[0]}'"
            : null;
        for (var i = 1; problem is null && i < args.Length; i += 2)
        {
            if (args[i] == "--tenant" && i + 1 < args.Length && KeySegment.IsValid(args[i + 1]))
                tenant = args[i + 1];
            else
                problem = $"'{args[i]}' needs a tenant or is not an option";
        }
        if (problem is not null)
        {
            await errors.WriteLineAsync($"{problem}\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        if (configuration[SettingNames.Postgres] is not { Length: > 0 } postgres)
        {
            await errors
                .WriteLineAsync(
                    $"{SettingNames.Postgres} not set: set it, or run ./pit up in another terminal so its "
                        + "endpoints are published"
                )
                .ConfigureAwait(false);
            return 2;
        }

        await using var database = NpgsqlDataSource.Create(postgres);
        var verification = await new AuditVerifier(database)
            .VerifyAsync(tenant, cancellationToken)
            .ConfigureAwait(false);
        foreach (var chain in verification.Chains)
            await output.WriteLineAsync(chain.Summary).ConfigureAwait(false);
        if (verification.FirstProblem is { } bad)
        {
            await errors
                .WriteLineAsync(
                    $"audit verify: first bad entry: tenant {bad.Tenant} entry {bad.Sequence}: {bad.Reason} "
                        + "(see docs/runbooks/deletion.md)"
                )
                .ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync($"audit verify: {verification.Chains.Count} chains intact").ConfigureAwait(false);
        return 0;
    }
}
