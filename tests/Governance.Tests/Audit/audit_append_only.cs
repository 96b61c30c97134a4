using Npgsql;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>
/// Nobody changes the audit table in place: the trigger refuses even its owner, and the application role pit_app has
/// no UPDATE or DELETE grant on it nor any write grant on the chain heads.
/// </summary>
public sealed class audit_append_only(PostgresFixture postgres)
{
    [Theory]
    [InlineData("UPDATE audit_entries SET target = 'x'")]
    [InlineData("DELETE FROM audit_entries")]
    [InlineData("TRUNCATE audit_entries")]
    public async Task the_table_owner_cannot_change_entries(string sql)
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 2);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(2, await db.Database.CountAsync("audit_entries"));
    }

    [Theory]
    [InlineData("UPDATE audit_entries SET target = 'x'")]
    [InlineData("DELETE FROM audit_entries")]
    [InlineData("TRUNCATE audit_entries")]
    [InlineData("UPDATE audit_chain_heads SET sequence = 1")]
    [InlineData("DELETE FROM audit_chain_heads")]
    public async Task the_application_role_lacks_the_grant(string sql)
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 2);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteAsync($"SET ROLE pit_app; {sql}")
        );

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains("permission denied", refused.MessageText);
    }

    [Fact]
    public async Task the_application_role_can_append_and_read()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        var asApp = new NpgsqlConnectionStringBuilder(db.Database.ConnectionString)
        {
            Options = "-c role=pit_app",
        }.ConnectionString;
        await using var appSource = NpgsqlDataSource.Create(asApp);

        Assert.Equal(
            "pit_app",
            (string)
                (
                    await appSource
                        .CreateCommand("SELECT current_user")
                        .ExecuteScalarAsync(TestContext.Current.CancellationToken)
                )!
        );
        var trail = new PitPlatform.Governance.Audit.AuditTrail(appSource, TimeProvider.System);
        await trail.AppendAsync(
            new("acme", PitPlatform.Governance.Audit.AuditActor.ForSystem("test"), "retention.swept", "tenant/acme"),
            TestContext.Current.CancellationToken
        );
        await trail.AppendAsync(
            new("acme", PitPlatform.Governance.Audit.AuditActor.ForSystem("test"), "retention.swept", "tenant/acme"),
            TestContext.Current.CancellationToken
        );

        Assert.Equal(
            2L,
            await db.Database.ScalarAsync<long>("SELECT sequence FROM audit_chain_heads WHERE tenant = 'acme'")
        );
        Assert.True((await db.Verifier.VerifyAsync(cancellationToken: TestContext.Current.CancellationToken)).IsIntact);
    }
}
