using Npgsql;

namespace PitPlatform.Infrastructure.Postgres;

/// <summary>
/// Applies the embedded, ordered SQL migrations (Postgres/Migrations/NNNN_name.sql) that a database has not seen,
/// each in its own transaction, and records them in schema_migrations. An advisory lock keeps two starting hosts
/// from migrating at once. Migrations are written to be idempotent as well.
/// </summary>
public static class PostgresMigrator
{
    private const long AdvisoryLockKey = 0x5049545F4D494752; // "PIT_MIGR"
    private const string ResourcePrefix = "PitPlatform.Migrations.";

    public static IReadOnlyList<string> Migrations { get; } =
        typeof(PostgresMigrator)
            .Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Returns the migrations applied by this call.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var schema =
            await new NpgsqlCommand("SELECT (current_schemas(false))[1]", connection)
                .ExecuteScalarAsync(cancellationToken)
                .ConfigureAwait(false) as string;
        if (schema is null)
        {
            // The search path names a schema that does not exist yet (a test's private schema): create it.
            var wanted = new NpgsqlConnectionStringBuilder(connection.ConnectionString).SearchPath?.Split(',')[0].Trim()
                ?? throw new InvalidOperationException("no schema on the search path");
            await Execute(
                    connection,
                    null,
                    $"CREATE SCHEMA IF NOT EXISTS \"{wanted.Replace("\"", "\"\"")}\"",
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        var applied = new List<string>();
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Execute(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken)
            .ConfigureAwait(false);
        await Execute(
                connection,
                tx,
                "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz "
                    + "NOT NULL DEFAULT now())",
                cancellationToken
            )
            .ConfigureAwait(false);
        var done = new HashSet<string>();
        await using (
            var reader = await new NpgsqlCommand("SELECT id FROM schema_migrations", connection, tx)
                .ExecuteReaderAsync(cancellationToken)
                .ConfigureAwait(false)
        )
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                done.Add(reader.GetString(0));
        }
        foreach (var migration in Migrations.Where(m => !done.Contains(m)))
        {
            await Execute(connection, tx, ReadMigration(migration), cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES ($1)", connection, tx)
            {
                Parameters = { new() { Value = migration } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(migration);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    private static string ReadMigration(string name)
    {
        using var stream = typeof(PostgresMigrator).Assembly.GetManifestResourceStream(ResourcePrefix + name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Execute(
        NpgsqlConnection connection,
        NpgsqlTransaction? tx,
        string sql,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
