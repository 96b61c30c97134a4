using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>
/// A superuser who switches the append-only trigger off can change the table, but not without the verifier naming
/// the first bad entry: altered, inserted and removed entries are each detected.
/// </summary>
public sealed class audit_tampering(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("target = 'deletion/forged'")]
    [InlineData("details = '{\"n\":99}'")]
    [InlineData("principal = 'mallory'")]
    [InlineData("key_prefix = 'zzzz9999'")]
    [InlineData("at = at + interval '1 second'")]
    [InlineData("action = 'deletion.rejected'")]
    public async Task an_altered_entry_is_named(string change)
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 5);

        await db.TamperAsync($"UPDATE audit_entries SET {change} WHERE tenant = 'acme' AND sequence = 3");

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem;
        Assert.NotNull(problem);
        Assert.Equal(("acme", 3L), (problem.Tenant, problem.Sequence));
        Assert.Contains("altered", problem.Reason);
    }

    [Fact]
    public async Task an_altered_entry_with_a_recomputed_hash_breaks_the_next_link()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 5);

        // The forger rewrites entry 3 and gives it a fresh hash of its new contents; entry 4 still points at the old
        // one.
        await db.TamperAsync(
            "UPDATE audit_entries SET target = 'deletion/forged', hash = sha256('forged'::bytea) WHERE "
                + "tenant = 'acme' AND sequence = 3"
        );

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(3L, problem.Sequence);
    }

    [Fact]
    public async Task a_removed_entry_in_the_middle_is_named()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 5);

        await db.TamperAsync("DELETE FROM audit_entries WHERE tenant = 'acme' AND sequence = 2");

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(2L, problem.Sequence);
        Assert.Contains("removed", problem.Reason);
    }

    [Fact]
    public async Task a_removed_newest_entry_is_named()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 5);

        await db.TamperAsync("DELETE FROM audit_entries WHERE tenant = 'acme' AND sequence = 5");

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(5L, problem.Sequence);
        Assert.Contains("removed", problem.Reason);
    }

    [Fact]
    public async Task a_removed_chain_is_named()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 3);

        await db.TamperAsync("DELETE FROM audit_entries WHERE tenant = 'acme'");

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(("acme", 1L), (problem.Tenant, problem.Sequence));
    }

    [Fact]
    public async Task an_inserted_entry_in_the_middle_is_named()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 5);

        // Make room after entry 2 and insert a forged entry 3 linked to entry 2's hash.
        await db.TamperAsync(
            """
            UPDATE audit_entries SET sequence = sequence + 1000 WHERE tenant = 'acme' AND sequence >= 3;
            UPDATE audit_entries SET sequence = sequence - 999 WHERE tenant = 'acme' AND sequence > 1000;
            INSERT INTO audit_entries (tenant, sequence, at, principal, key_prefix, action, target, details, previous_hash, hash)
            SELECT tenant, 3, at, 'mallory', NULL, 'deletion.approved', 'deletion/forged', '{}', hash, sha256('forged'::bytea)
            FROM audit_entries WHERE tenant = 'acme' AND sequence = 2
            """
        );

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(3L, problem.Sequence);
        Assert.Contains("altered", problem.Reason);
    }

    [Fact]
    public async Task an_entry_appended_behind_the_trails_back_is_named()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 2);

        // With triggers off the head does not move: the chain now runs past it.
        await db.TamperAsync(
            """
            INSERT INTO audit_entries (tenant, sequence, at, principal, key_prefix, action, target, details, previous_hash, hash)
            SELECT tenant, 3, at, 'mallory', NULL, 'deletion.approved', 'deletion/forged', '{}', hash, sha256('forged'::bytea)
            FROM audit_entries WHERE tenant = 'acme' AND sequence = 2
            """
        );

        var problem = (await db.Verifier.VerifyAsync(cancellationToken: Ct)).FirstProblem!;
        Assert.Equal(3L, problem.Sequence);
    }

    [Fact]
    public async Task a_problem_in_one_tenant_leaves_the_others_intact()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 3);
        await db.AppendAsync("globex", 3);

        await db.TamperAsync("UPDATE audit_entries SET target = 'x' WHERE tenant = 'globex' AND sequence = 1");

        var verification = await db.Verifier.VerifyAsync(cancellationToken: Ct);
        Assert.Equal(
            [
                "acme: intact, 3 entries, head matches",
                "globex: BROKEN at entry 1: its hash does not match its contents (the entry was altered)",
            ],
            verification.Chains.Select(c => c.Summary)
        );
        Assert.True((await db.Verifier.VerifyAsync("acme", Ct)).IsIntact);
    }
}
