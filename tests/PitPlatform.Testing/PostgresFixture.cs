using Npgsql;
using PitPlatform.Infrastructure.Postgres;
using PitPlatform.LocalHost.Embedded;
using Testcontainers.PostgreSql;
using Xunit;

namespace PitPlatform.Testing;

/// <summary>
/// One PostgreSQL server per test run, chosen by <see cref="TestComponents"/>: the server named by PIT_TEST_POSTGRES,
/// a postgres:15 container (PIT_TEST_CONTAINERS=true), or a throwaway cluster from the installed binaries (fsync off).
/// Each test gets a schema of its own, so tests never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionVariable = "PIT_TEST_POSTGRES";

    private readonly ComponentSource? _chosen;
    private PostgreSqlContainer? _container;
    private string? _directory;
    private string _connectionString = "";

    public PostgresFixture() { }

    private PostgresFixture(ComponentSource source) => _chosen = source;

    /// <summary>
    /// A fixture on its own Postgres container, whatever the environment says (needs a Docker engine).
    /// </summary>
    public static PostgresFixture InContainer() => new(ComponentSource.Container);

    public ComponentSource Source { get; private set; }

    /// <summary>The throwaway server, or null for an external server or a container (fault tests need it).</summary>
    public PostgresServer? Server { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Source = _chosen ?? TestComponents.Choose(ConnectionVariable);
        switch (Source)
        {
            case ComponentSource.External:
                _connectionString = Environment.GetEnvironmentVariable(ConnectionVariable)!;
                break;
            case ComponentSource.Container:
                _container = ComponentContainers.Postgres();
                await _container.StartAsync();
                _connectionString = _container.GetConnectionString();
                break;
            default:
                _directory = Path.Combine(Path.GetTempPath(), "pit-tests", Guid.NewGuid().ToString("N")[..12]);
                Server = await PostgresServer.StartAsync(
                    Path.Combine(_directory, "postgres"),
                    fresh: true,
                    durable: false
                );
                _connectionString = Server.ConnectionString;
                break;
        }
    }

    /// <summary>A fresh schema with every migration applied (or none).</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(bool migrate = true)
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        var connectionString = new NpgsqlConnectionStringBuilder(_connectionString)
        {
            SearchPath = schema,
        }.ConnectionString;
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var command = dataSource.CreateCommand($"CREATE SCHEMA {schema}"))
            await command.ExecuteNonQueryAsync();
        if (migrate)
            await PostgresMigrator.MigrateAsync(dataSource);
        return new TestDatabase(schema, connectionString, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        if (_container is not null)
            await _container.DisposeAsync();
        if (_directory is not null && Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>A test's private schema.</summary>
public sealed record TestDatabase(string Schema, string ConnectionString, NpgsqlDataSource DataSource)
    : IAsyncDisposable
{
    public async Task<long> CountAsync(string table, string where = "true")
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The query's first value; SQL NULL (an aggregate over no rows) is the type's default.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? (T)value : default!;
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
