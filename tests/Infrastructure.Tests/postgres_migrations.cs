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

        var runs = await Task.WhenAll(
            Enumerable
                .Range(0, 4)
                .Select(_ => PostgresMigrator.MigrateAsync(database.DataSource, TestContext.Current.CancellationToken))
        );

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
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(existing.ConnectionString)
        {
            SearchPath = schema,
        }.ConnectionString;
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);

        await PostgresMigrator.MigrateAsync(dataSource, TestContext.Current.CancellationToken);

        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name "
                + "= 'processed_events'"
        );
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}

public sealed class postgres_data_source(PostgresFixture postgres)
{
    [Fact]
    public async Task statements_are_auto_prepared_and_connections_not_reset_unless_the_connection_string_says_so()
    {
        await using var database = await postgres.CreateDatabaseAsync(migrate: false);
        await using var defaults = PostgresDataSourceFactory.Create(
            new PostgresSettings { ConnectionString = database.ConnectionString }
        );
        var explicitValues = database.ConnectionString + ";Max Auto Prepare=0;NoResetOnClose=false";
        await using var chosen = PostgresDataSourceFactory.Create(
            new PostgresSettings { ConnectionString = explicitValues }
        );

        var applied = new Npgsql.NpgsqlConnectionStringBuilder(defaults.ConnectionString);
        var kept = new Npgsql.NpgsqlConnectionStringBuilder(chosen.ConnectionString);

        Assert.Equal((64, true), (applied.MaxAutoPrepare, applied.NoResetOnClose));
        Assert.Equal((0, false), (kept.MaxAutoPrepare, kept.NoResetOnClose));
        await using var command = defaults.CreateCommand("SELECT 1");
        for (var i = 0; i < 6; i++)
            Assert.Equal(1, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
