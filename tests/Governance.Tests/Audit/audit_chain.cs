using System.Text.Json.Nodes;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Audit;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>Each tenant's entries form one hash chain from genesis, whoever appends and however concurrently.</summary>
public sealed class audit_chain(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task each_entry_links_to_the_hash_of_the_one_before()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);

        var entries = await db.AppendAsync("acme", 3);

        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence));
        Assert.Equal(AuditHash.Genesis, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, entries[2].PreviousHash);
        Assert.All(entries, e =>
            Assert.Equal(
                AuditHash.Compute(
                    e.Tenant,
                    e.Sequence,
                    e.At,
                    e.Actor,
                    e.Action,
                    e.Target,
                    AuditHash.CanonicalJson(e.Details),
                    e.PreviousHash
                ),
                e.Hash
            )
        );
        Assert.True((await db.Verifier.VerifyAsync(cancellationToken: Ct)).IsIntact);
    }

    [Fact]
    public async Task tenants_have_separate_chains()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);

        await db.AppendAsync("acme", 2);
        var other = await db.AppendAsync("globex", 1);

        Assert.Equal(1, other[0].Sequence);
        Assert.Equal(AuditHash.Genesis, other[0].PreviousHash);
        var verification = await db.Verifier.VerifyAsync(cancellationToken: Ct);
        Assert.Equal(
            ["acme: intact, 2 entries, head matches", "globex: intact, 1 entries, head matches"],
            verification.Chains.Select(c => c.Summary)
        );
    }

    [Fact]
    public async Task concurrent_appends_to_one_tenant_still_form_one_chain()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => db.AppendAsync("acme", 10), Ct)));

        var verification = await db.Verifier.VerifyAsync("acme", Ct);
        Assert.True(verification.IsIntact, verification.FirstProblem?.Reason);
        Assert.Equal(80, Assert.Single(verification.Chains).Entries);
    }

    [Fact]
    public async Task an_entry_appended_in_a_rolled_back_transaction_leaves_no_trace()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        await db.AppendAsync("acme", 1);

        await using (var connection = await db.Database.DataSource.OpenConnectionAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await db.Trail.AppendAsync(
                connection,
                transaction,
                new AuditRecord("acme", AuditActor.ForSystem("test"), "deletion.approved", "deletion/x"),
                Ct
            );
            await transaction.RollbackAsync(Ct);
        }
        var next = await db.AppendAsync("acme", 1);

        Assert.Equal(2, next[0].Sequence);
        Assert.True((await db.Verifier.VerifyAsync(cancellationToken: Ct)).IsIntact);
    }

    [Fact]
    public async Task a_key_actor_records_its_principal_and_prefix()
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);
        var key = new ApiKeyPrincipal("abcd1234", "acme", new HashSet<string> { ApiKeyScope.Admin })
        {
            Principal = "alice@acme",
        };

        var entry = await db.Trail.AppendAsync(
            new AuditRecord(
                "acme",
                AuditActor.ForKey(key),
                "deletion.requested",
                "deletion/1",
                new JsonObject
                {
                    ["z"] = 1,
                    ["a"] = new JsonObject { ["y"] = "é", ["b"] = true },
                }
            ),
            Ct
        );

        Assert.Equal(new AuditActor("alice@acme", "abcd1234"), entry.Actor);
        Assert.Equal(
            "{\"a\":{\"b\":true,\"y\":\"\\u00E9\"},\"z\":1}",
            await db.Database.ScalarAsync<string>("SELECT details::text FROM audit_entries")
        );
        Assert.Equal("abcd1234", AuditActor.ForKey(key with { }).KeyPrefix);
        Assert.Equal("system:retention", AuditActor.ForSystem("retention").Principal);
    }

    [Theory]
    [InlineData("Deletion.Requested")]
    [InlineData("deleted")]
    [InlineData("deletion requested")]
    public async Task an_action_that_is_not_a_dotted_lower_case_verb_is_a_programming_error(string action)
    {
        await using var db = await AuditDatabase.CreateAsync(postgres);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            db.Trail.AppendAsync(new AuditRecord("acme", AuditActor.ForSystem("test"), action, "x"), Ct)
        );
    }
}
