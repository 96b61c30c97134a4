using System.Net;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Governance.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// A deletion waits for another principal's approval, then removes exactly its scope from every Postgres table that
/// holds tenant data, announces itself on pit.v1.policy.deletion and leaves a receipt with counts per store.
/// </summary>
public sealed class deletion_workflow(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_approved_series_deletion_removes_the_series_and_nothing_else()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1", "c2"]);
        await TenantData.SeedAsync(db, "demo", "beta", ["c1"]);
        await TenantData.SeedAsync(db, "other", "alpha", ["c1"]);
        var rollups = await TenantData.RowsAsync(db, "nav_rollups", "demo", "alpha");

        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        var pending = await api.GetAsync(id);
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal(6, await TenantData.RowsAsync(db, "nav_points", "demo", "alpha"));

        Assert.Equal(HttpStatusCode.OK, (await api.ApproveAsync(id)).StatusCode);
        var done = await api.CompletedAsync(id);

        var counts = done.GetProperty("counts");
        Assert.Equal(6, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(rollups, counts.GetProperty("postgres.nav_rollups").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_cash").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_positions").GetInt64());
        Assert.Equal(4, counts.GetProperty("postgres.llm_calls").GetInt64());
        Assert.Equal(6, counts.GetProperty("postgres.recent_events").GetInt64());
        Assert.Equal(4, counts.GetProperty("postgres.deduplicated_deliveries").GetInt64());
        Assert.Equal(0, counts.GetProperty("postgres.usage_daily").GetInt64());
        foreach (
            var table in new[]
            {
                "nav_points",
                "nav_rollups",
                "cell_cash",
                "cell_positions",
                "llm_calls",
                "recent_events",
                "deduplicated_deliveries",
            }
        )
        {
            Assert.Equal(0, await TenantData.RowsAsync(db, table, "demo", "alpha"));
            Assert.NotEqual(0, await TenantData.RowsAsync(db, table, "demo", "beta"));
            Assert.NotEqual(0, await TenantData.RowsAsync(db, table, "other", "alpha"));
        }
        Assert.NotEqual(0, await TenantData.RowsAsync(db, "usage_daily", "demo"));

        var receipt = done.GetProperty("receipt");
        Assert.Equal(
            counts.GetProperty("postgres.nav_points").GetInt64(),
            receipt.GetProperty("counts").GetProperty("postgres.nav_points").GetInt64()
        );
        Assert.Contains(receipt.GetProperty("ages_out").EnumerateArray(), a =>
            a.GetProperty("topic").GetString() == "pit.v1.exec.trade_fill"
        );
        Assert.Equal("bob@demo.example", done.GetProperty("decided_by").GetString());
        Assert.Equal("alice@demo.example", done.GetProperty("requested_by").GetString());
        Assert.Equal(
            DeletionRunner.Steps,
            done.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("step").GetString()!)
        );

        var actions = (await api.AuditAsync()).Where(e => e.Target == $"deletion/{id}").Select(e => e.Action);
        Assert.Equal(["deletion.requested", "deletion.approved", "deletion.completed"], actions);
        Assert.True(
            (await api.Pipeline.Service<Governance.Audit.AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact
        );

        var events = TopicReader
            .ReadAll(api.Pipeline.Kafka, DeletionEvents.Topic, expected: 3, TimeSpan.FromSeconds(30))
            .Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value))
            .ToList();
        Assert.Equal(
            ["pit.events.v1.DeletionRequested", "pit.events.v1.DeletionApproved", "pit.events.v1.DeletionCompleted"],
            events.Select(e => e.PayloadType)
        );
        Assert.All(events, e => Assert.Equal("t/demo/s/alpha", e.Key));
        // Tombstones for every key of the scope on the compacted topic (pit.v1.acct.usage): the key with a null value.
        var tombstones = TopicReader.ReadAll(
            api.Pipeline.Kafka,
            "pit.v1.acct.usage",
            expected: 2,
            TimeSpan.FromSeconds(30)
        );
        Assert.Equal(
            ["t/demo/s/alpha/c/c1", "t/demo/s/alpha/c/c2"],
            tombstones.Select(t => System.Text.Encoding.UTF8.GetString(t.Message.Key)).Order()
        );
        Assert.All(tombstones, t => Assert.Null(t.Message.Value));
        Assert.Equal(2, counts.GetProperty("kafka.tombstones").GetInt64());
        var completed = DeletionCompleted.Parser.ParseFrom(events[2].Payload);
        Assert.Equal(id, completed.RequestId);
        Assert.Equal(6, completed.DeletedCounts["postgres.nav_points"]);
    }

    [Fact]
    public async Task a_cell_deletion_removes_one_cell()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1", "c2"]);

        var id = await api.RequestAsync(
            new
            {
                scope = "cell",
                series = "alpha",
                cell = "c1",
                reason = "cell closed",
            }
        );
        await api.ApproveAsync(id);
        var counts = (await api.CompletedAsync(id)).GetProperty("counts");

        Assert.Equal(3, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(0, await db.CountAsync("nav_points", "cell = 'c1'"));
        Assert.Equal(3, await db.CountAsync("nav_points", "cell = 'c2'"));
    }

    [Fact]
    public async Task a_subject_deletion_removes_the_subjects_calls_only()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1", "c2"]);

        var id = await api.RequestAsync(
            new
            {
                scope = "subject",
                subject = TenantData.Subject,
                reason = "right to erasure",
            }
        );
        await api.ApproveAsync(id);
        var counts = (await api.CompletedAsync(id)).GetProperty("counts");

        Assert.Equal(2, counts.GetProperty("postgres.llm_calls").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.recent_events").GetInt64());
        Assert.Equal(0, await db.CountAsync("recent_events", $"user_ref_hash = '{TenantData.Subject}'"));
        Assert.Equal(4, await db.CountAsync("recent_events"));
        Assert.Equal(2, counts.GetProperty("postgres.deduplicated_deliveries").GetInt64());
        Assert.Equal(0, await db.CountAsync("deduplicated_deliveries", $"user_ref_hash = '{TenantData.Subject}'"));
        Assert.Equal(2, await db.CountAsync("deduplicated_deliveries"));
        Assert.Equal(0, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(0, await db.CountAsync("llm_calls", $"user_ref_hash = '{TenantData.Subject}'"));
        Assert.Equal(2, await db.CountAsync("llm_calls"));
        Assert.Equal(6, await db.CountAsync("nav_points"));
    }

    [Fact]
    public async Task a_tenant_deletion_removes_the_daily_totals_too_and_keeps_keys_and_audit()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1"]);
        await TenantData.SeedAsync(db, "other", "alpha", ["c1"]);

        var id = await api.RequestAsync(new { scope = "tenant", reason = "account closed" });
        await api.ApproveAsync(id);
        var counts = (await api.CompletedAsync(id)).GetProperty("counts");

        Assert.Equal(1, counts.GetProperty("postgres.usage_daily").GetInt64());
        Assert.Equal(1, counts.GetProperty("postgres.events_daily").GetInt64());
        foreach (
            var table in new[]
            {
                "nav_points",
                "nav_rollups",
                "cell_cash",
                "cell_positions",
                "llm_calls",
                "recent_events",
                "deduplicated_deliveries",
                "usage_daily",
                "events_daily",
            }
        )
        {
            Assert.Equal(0, await TenantData.RowsAsync(db, table, "demo"));
            Assert.NotEqual(0, await TenantData.RowsAsync(db, table, "other"));
        }
        Assert.NotEqual(0, await TenantData.RowsAsync(db, "api_keys", "demo"));
        Assert.NotEqual(0, await TenantData.RowsAsync(db, "audit_entries", "demo"));
    }

    [Fact]
    public async Task a_rejected_deletion_removes_nothing()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await TenantData.SeedAsync(api.Pipeline.Database, "demo", "alpha", ["c1"]);

        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        var rejected = await api.RejectAsync(id);
        await api.Pipeline.Service<DeletionDriver>().RunOnceAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", (await api.GetAsync(id)).GetProperty("state").GetString());
        Assert.Equal(3, await api.Pipeline.Database.CountAsync("nav_points"));
        Assert.Contains((await api.AuditAsync()), e => e.Action == "deletion.rejected");
    }

    [Fact]
    public async Task an_unanswered_request_expires()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        var requested = await api.GetAsync(id);
        Assert.Equal(
            TimeSpan.FromHours(72),
            requested.GetProperty("expires_at").GetDateTime() - requested.GetProperty("requested_at").GetDateTime()
        );

        await api.Pipeline.Database.ExecuteAsync(
            $"UPDATE governance_requests SET expires_at = now() - interval '1 second' WHERE id = '{id}'"
        );
        await api.Pipeline.Service<DeletionDriver>().RunOnceAsync(Ct);

        Assert.Equal("expired", (await api.GetAsync(id)).GetProperty("state").GetString());
        Assert.Contains((await api.AuditAsync()), e => e.Action == "deletion.expired");
    }

    [Fact]
    public async Task the_expiry_is_a_setting()
    {
        await using var api = await DeletionApi.StartAsync(
            postgres,
            kafka,
            blob,
            new Dictionary<string, string?> { ["PIT_APPROVAL_EXPIRY_HOURS"] = "2" }
        );

        var requested = await api.GetAsync(await api.RequestAsync(new { scope = "tenant", reason = "test" }));

        Assert.Equal(
            TimeSpan.FromHours(2),
            requested.GetProperty("expires_at").GetDateTime() - requested.GetProperty("requested_at").GetDateTime()
        );
    }

    [Theory]
    [InlineData("""{"scope":"planet","reason":"x"}""", "/scope")]
    [InlineData("""{"scope":"series","reason":"x"}""", "/series")]
    [InlineData("""{"scope":"cell","series":"alpha","reason":"x"}""", "/cell")]
    [InlineData("""{"scope":"subject","subject":"alice@example.com","reason":"x"}""", "/subject")]
    [InlineData("""{"scope":"tenant"}""", "/reason")]
    public async Task a_bad_request_gets_a_structured_400(string body, string pointer)
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);

        var response = await api.Requester.PostAsync(
            "/v1/deletions",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            Ct
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json.ReadAsync(response)).GetProperty("error");
        Assert.Equal("ERR_VALIDATION", error.GetProperty("code").GetString());
        Assert.Equal(pointer, error.GetProperty("details").GetProperty("pointer").GetString());
    }
}
