using System.Text.Json.Nodes;
using PitPlatform.Governance.Audit;
using PitPlatform.Testing;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>A migrated private schema with an audit trail over it, and SQL tampering as the superuser.</summary>
internal sealed class AuditDatabase(TestDatabase database) : IAsyncDisposable
{
    public TestDatabase Database { get; } = database;
    public AuditTrail Trail { get; } = new(database.DataSource, TimeProvider.System);
    public AuditVerifier Verifier { get; } = new(database.DataSource);

    public static async Task<AuditDatabase> CreateAsync(PostgresFixture postgres) =>
        new(await postgres.CreateDatabaseAsync());

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(string tenant, int count)
    {
        var entries = new List<AuditEntry>();
        for (var i = 0; i < count; i++)
            entries.Add(
                await Trail.AppendAsync(
                    new AuditRecord(
                        tenant,
                        AuditActor.ForSystem("test"),
                        "deletion.requested",
                        $"deletion/{i}",
                        new JsonObject { ["n"] = i }
                    ),
                    Xunit.TestContext.Current.CancellationToken
                )
            );
        return entries;
    }

    /// <summary>Runs SQL with triggers off, as a superuser who bypasses the append-only guard would.</summary>
    public Task<int> TamperAsync(string sql) =>
        Database.ExecuteAsync($"SET session_replication_role = replica; {sql}; SET session_replication_role = origin");

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
