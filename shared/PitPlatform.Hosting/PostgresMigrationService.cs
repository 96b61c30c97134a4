using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Infrastructure.Postgres;

namespace PitPlatform.Hosting;

/// <summary>Brings the database schema up to date before the host takes traffic.</summary>
public sealed class PostgresMigrationService(NpgsqlDataSource database, ILogger<PostgresMigrationService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await PostgresMigrator.MigrateAsync(database, cancellationToken).ConfigureAwait(false);
        if (applied.Count > 0)
            logger.LogInformation("applied migrations {Migrations}", string.Join(", ", applied));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
