namespace PitPlatform.Infrastructure.Postgres;

/// <summary>How to reach PostgreSQL (setting PIT_POSTGRES, an Npgsql connection string).</summary>
public sealed class PostgresSettings
{
    public required string ConnectionString { get; init; }
}
