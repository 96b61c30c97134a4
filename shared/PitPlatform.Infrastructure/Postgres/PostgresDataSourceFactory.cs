using System.Data.Common;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PitPlatform.Infrastructure.Postgres;

/// <summary>
/// Builds the one <see cref="NpgsqlDataSource"/> a process uses, with Entra token passwords when configured.
/// </summary>
public static class PostgresDataSourceFactory
{
    /// <summary>The token audience of Azure Database for PostgreSQL.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    // Entra tokens live about an hour; refresh well before, and retry quickly when the identity endpoint hiccups.
    private static readonly TimeSpan TokenRefresh = TimeSpan.FromMinutes(45);
    private static readonly TimeSpan TokenRetry = TimeSpan.FromSeconds(5);

    public static NpgsqlDataSource Create(PostgresSettings settings, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        // Statements run often are prepared once per connection; nothing in PIT sets session state, so the reset on
        // close (DISCARD ALL, which also drops every cached plan, triggers' included) is work for nothing. The
        // connection string can still choose either.
        var given = new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        if (!Sets(given, "Max Auto Prepare"))
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        if (!Sets(given, "No Reset On Close"))
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (loggerFactory is not null)
            builder.UseLoggerFactory(loggerFactory);
        if (settings.EntraCredential is { } credential)
        {
            builder.UsePeriodicPasswordProvider(
                async (_, cancellationToken) =>
                {
                    var token = await credential
                        .GetTokenAsync(new TokenRequestContext([EntraScope]), cancellationToken)
                        .ConfigureAwait(false);
                    return token.Token;
                },
                TokenRefresh,
                TokenRetry
            );
        }
        return builder.Build();
    }

    private static bool Sets(DbConnectionStringBuilder given, string keyword) =>
        given
            .Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", ""), keyword.Replace(" ", ""), StringComparison.OrdinalIgnoreCase));
}
