using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Deletion;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// The local host is killed (SIGKILL, a real child process) between two purge steps of an approved deletion; a new
/// host started on the same Postgres finishes it, and the receipt counts every removed row exactly once.
/// </summary>
public sealed class deletion_resumes_after_a_kill(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_host_killed_between_two_purge_steps_is_resumed_by_the_next_and_the_counts_are_right()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        var naming = await kafka.CreateCatalogTopicsAsync();
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1", "c2"]);
        await TenantData.SeedAsync(db, "demo", "beta", ["c1"]);
        var rollups = await TenantData.RowsAsync(db, "nav_rollups", "demo", "alpha");
        var id = await RequestAndApproveAsync(db, naming);
        var state = Path.Combine(Path.GetTempPath(), "pit-tests", "kill-" + Guid.NewGuid().ToString("N")[..12]);
        var settings = LocalHostProcess.Settings(
            db.ConnectionString,
            kafka.BootstrapServers,
            naming.Prefix,
            blob.ConnectionString,
            state
        );

        // First life: a pause after each step leaves the host sitting between purge_nav_points and purge_cell_state.
        using (
            var first = LocalHostProcess.Start(
                new Dictionary<string, string>(settings) { [SettingNames.DeletionStepPauseMs] = "5000" }
            )
        )
        {
            await Eventually.WaitForAsync(
                () => db.CountAsync("deletion_steps", $"request_id = '{id}' AND step = 'purge_nav_points'"),
                n => n == 1 || first.HasExited,
                TimeSpan.FromSeconds(90),
                "the first host's purge_nav_points step"
            );
            Assert.False(first.HasExited, first.Output);
            first.Kill();
        }
        Assert.Equal(0, await TenantData.RowsAsync(db, "nav_points", "demo", "alpha"));
        Assert.Equal(2, await TenantData.RowsAsync(db, "cell_cash", "demo", "alpha"));
        Assert.Equal(
            "approved",
            await db.ScalarAsync<string>($"SELECT state FROM governance_requests WHERE id = '{id}'")
        );
        Assert.Equal(
            DeletionRunner.Steps.ToList().IndexOf("purge_nav_points") + 1,
            await db.CountAsync("deletion_steps", $"request_id = '{id}'")
        );

        // Second life: the same state directory and database, no pause.
        using (var second = LocalHostProcess.Start(settings))
        {
            await Eventually.WaitForAsync(
                () => db.ScalarAsync<string>($"SELECT state FROM governance_requests WHERE id = '{id}'"),
                s => s == "completed" || second.HasExited,
                TimeSpan.FromSeconds(90),
                "the second host completing the deletion"
            );
            Assert.False(second.HasExited, second.Output);
        }

        using var receipt = JsonDocument.Parse(
            await db.ScalarAsync<string>($"SELECT receipt::text FROM governance_requests WHERE id = '{id}'")
        );
        var counts = receipt.RootElement.GetProperty("counts");
        Assert.Equal(6, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(rollups, counts.GetProperty("postgres.nav_rollups").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_cash").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_positions").GetInt64());
        Assert.Equal(4, counts.GetProperty("postgres.llm_calls").GetInt64());
        Assert.Equal(DeletionRunner.Steps.Count, await db.CountAsync("deletion_steps", $"request_id = '{id}'"));
        foreach (var table in new[] { "nav_points", "nav_rollups", "cell_cash", "cell_positions", "llm_calls" })
        {
            Assert.Equal(0, await TenantData.RowsAsync(db, table, "demo", "alpha"));
            Assert.NotEqual(0, await TenantData.RowsAsync(db, table, "demo", "beta"));
        }
        Assert.Equal(1, await db.CountAsync("audit_entries", "action = 'deletion.completed'"));
        Assert.True((await new AuditVerifier(db.DataSource).VerifyAsync(cancellationToken: Ct)).IsIntact);
        if (Directory.Exists(state))
            Directory.Delete(state, recursive: true);
    }

    /// <summary>
    /// Alice requests, Bob approves, through the shared governance code (no host runs while this happens).
    /// </summary>
    private async Task<Guid> RequestAndApproveAsync(TestDatabase db, KafkaNaming naming)
    {
        var time = TimeProvider.System;
        using var producer = new EnvelopeProducer(kafka.Settings(naming), TopicCatalog.Embedded, "test");
        var store = new GovernanceRequestStore(db.DataSource);
        var audit = new AuditTrail(db.DataSource, time);
        var events = new DeletionEvents(producer, TopicCatalog.Embedded);
        var requests = new DeletionRequests(db.DataSource, store, audit, events, new GovernanceOptions(), time);
        var decisions = new ApprovalDecisions(
            db.DataSource,
            store,
            audit,
            [new DeletionApprovalKind(events, new DeletionWakeup(), time, audit)],
            time,
            NullLogger<ApprovalDecisions>.Instance
        );
        var alice = new ApiKeyPrincipal("alice001", "demo", new HashSet<string> { ApiKeyScope.Admin })
        {
            Principal = "alice@demo.example",
        };
        var bob = new ApiKeyPrincipal("bob00001", "demo", new HashSet<string> { ApiKeyScope.Approver })
        {
            Principal = "bob@demo.example",
        };

        var request = await requests.CreateAsync(
            alice,
            new DeletionScope(DeletionScope.SeriesKind, "alpha"),
            "kill test",
            Ct
        );
        var decision = await decisions.DecideAsync(
            bob,
            DeletionRequests.Kind,
            request.Id.ToString(),
            approve: true,
            Ct
        );
        Assert.Null(decision.Refusal);
        return request.Id;
    }
}
