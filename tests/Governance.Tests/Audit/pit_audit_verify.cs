using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>
/// The operator command: one line per chain, exit 0 when intact, 1 naming the first bad entry, 2 on misuse.
/// </summary>
public sealed class pit_audit_verify(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task intact_chains_exit_zero()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 2);

        var (code, output, errors) = await RunAsync(db, "verify");

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Equal(["acme: intact, 2 entries, head matches", "audit verify: 1 chains intact"], output);
    }

    [Fact]
    public async Task a_tampered_chain_exits_one_naming_the_first_bad_entry()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 4);
        await db.AppendAsync("globex", 1);
        await db.TamperAsync("DELETE FROM audit_entries WHERE tenant = 'acme' AND sequence = 2");

        var (code, output, errors) = await RunAsync(db, "verify", "--tenant", "acme");

        Assert.Equal(1, code);
        Assert.StartsWith("acme: BROKEN at entry 2: missing", Assert.Single(output));
        Assert.StartsWith("audit verify: first bad entry: tenant acme entry 2: ", errors);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("verify", "--tenant")]
    [InlineData("verify", "--tenant", "no/slash")]
    public async Task misuse_exits_two_with_the_usage(params string[] args)
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);

        var (code, _, errors) = await RunAsync(db, args);

        Assert.Equal(2, code);
        Assert.Contains("usage: ./pit audit verify", errors);
    }

    private static async Task<(int Code, string[] Output, string Errors)> RunAsync(
        AuditDatabase db,
        params string[] args
    )
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?> { [SettingNames.Postgres] = db.Database.ConnectionString }
            )
            .Build();
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await AuditCommand.RunAsync(configuration, args, output, errors, Ct);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), errors.ToString());
    }
}
