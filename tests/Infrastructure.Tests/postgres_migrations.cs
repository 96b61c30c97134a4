using PitPlatform.Infrastructure.Postgres;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

public sealed class postgres_migrations(PostgresFixture postgres)
{
    [Fact]
    public async Task migrations_apply_once_in_order_and_a_second_run_applies_nothing()
    {
        await using var database = await postgres.CreateDatabaseAsync(migrate: false);

        var first = await PostgresMigrator.MigrateAsync(database.DataSource, TestContext.Current.CancellationToken);
        var second = await PostgresMigrator.MigrateAsync(database.DataSource, TestContext.Current.CancellationToken);

        Assert.Equal(PostgresMigrator.Migrations, first);
        Assert.Empty(second);
        Assert.Equal(first.Count, await database.CountAsync("schema_migrations"));
    }

    [Fact]
    public async Task concurrent_starts_migrate_once()
    {
        await using var database = await postgres.CreateDatabaseAsync(migrate: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresMigrator.MigrateAsync(database.DataSource, TestContext.Current.CancellationToken)));

        Assert.Equal(PostgresMigrator.Migrations.Count, runs.Sum(r => r.Count));
    }
}

public sealed class postgres_migrations_into_a_new_schema(PostgresFixture postgres)
{
    [Fact]
    public async Task a_search_path_naming_a_missing_schema_gets_that_schema_created()
    {
        await using var existing = await postgres.CreateDatabaseAsync(migrate: false);
        var schema = "fresh_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(existing.ConnectionString) { SearchPath = schema }.ConnectionString;
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);

        await PostgresMigrator.MigrateAsync(dataSource, TestContext.Current.CancellationToken);

        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = 'processed_events'");
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
