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
