using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Audit;
using PitPlatform.Hosting;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// <c>./pit operators create --principal NAME | list | revoke PREFIX</c>: keys of scope operator, which no API grants
/// (a tenant's admin cannot make one), so whoever runs the platform makes them here, against its Postgres and pepper.
/// A created key's text is printed once. Each change is audited in the <c>platform</c> chain. Exit codes: 0 done,
/// 1 no such key, 2 usage or a missing setting.
/// </summary>
public static class OperatorKeyCommand
{
    public const string Name = "operators";
    private const string Usage =
        "usage: ./pit operators create --principal NAME | operators list | operators revoke PREFIX";

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
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var problems = new List<string>();
        if (configuration[SettingNames.Postgres] is not { Length: > 0 })
            problems.Add(
                $"{SettingNames.Postgres} is not set: set it, or run ./pit up in another terminal so its "
                    + "endpoints are published"
            );
        if (configuration[SettingNames.ApiKeyPepper] is not { Length: >= 16 })
            problems.Add(
                $"{SettingNames.ApiKeyPepper} is not set (at least 16 characters): the pepper the platform "
                    + "hashes keys with"
            );
        if (problems.Count > 0)
        {
            await errors.WriteLineAsync(string.Join(Environment.NewLine, problems)).ConfigureAwait(false);
            return 2;
        }
        await using var database = NpgsqlDataSource.Create(configuration[SettingNames.Postgres]!);
        var store = new ApiKeyStore(database, new ApiKeyHasher(configuration[SettingNames.ApiKeyPepper]!));
        var audit = new AuditTrail(database, TimeProvider.System);
        var actor = BillingCommand.Operator();
        switch (args)
        {
            case ["create", "--principal", var principal]
                when principal.Length is > 0 and <= 256 && !principal.Any(char.IsControl):
                var key = await store
                    .CreateAsync(
                        OperatorKeys.Tenant,
                        [ApiKeyScope.Operator],
                        "operator key",
                        principal,
                        cancellationToken: cancellationToken
                    )
                    .ConfigureAwait(false);
                await audit
                    .AppendAsync(
                        new AuditRecord(
                            OperatorKeys.Tenant,
                            actor,
                            "operator_key.created",
                            $"key/{key.Prefix}",
                            new JsonObject { ["principal"] = principal }
                        ),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                await output.WriteLineAsync($"operator key for {principal} (shown once): {key}").ConfigureAwait(false);
                return 0;
            case ["list"]:
                foreach (
                    var listed in await store.ListAsync(OperatorKeys.Tenant, cancellationToken).ConfigureAwait(false)
                )
                    await output
                        .WriteLineAsync(
                            $"{listed.Prefix}\t{listed.Principal}\t{(listed.RevokedAt is null ? "active" : "revoked")}"
                        )
                        .ConfigureAwait(false);
                return 0;
            case ["revoke", var prefix] when ApiKeyText.IsPrefix(prefix):
                if (!await store.RevokeAsync(OperatorKeys.Tenant, prefix, cancellationToken).ConfigureAwait(false))
                {
                    await errors
                        .WriteLineAsync($"no active operator key has the prefix {prefix}")
                        .ConfigureAwait(false);
                    return 1;
                }
                await audit
                    .AppendAsync(
                        new AuditRecord(OperatorKeys.Tenant, actor, "operator_key.revoked", $"key/{prefix}"),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                await output
                    .WriteLineAsync(
                        $"revoked {prefix} (refused everywhere within "
                            + $"{ApiKeyAuthenticator.CacheDuration.TotalSeconds:F0} s)"
                    )
                    .ConfigureAwait(false);
                return 0;
            default:
                await errors.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }
}
