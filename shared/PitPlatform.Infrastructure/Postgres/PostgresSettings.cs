using Azure.Core;

namespace PitPlatform.Infrastructure.Postgres;

/// <summary>
/// How to reach PostgreSQL (settings PIT_POSTGRES, an Npgsql connection string, and PIT_POSTGRES_AUTH).
/// </summary>
public sealed class PostgresSettings
{
    public required string ConnectionString { get; init; }

    /// <summary>
    /// With managed identity, the password is an Entra access token for Azure Database for PostgreSQL, refreshed
    /// before it expires; the connection string then carries no password at all.
    /// </summary>
    public TokenCredential? EntraCredential { get; init; }
}
