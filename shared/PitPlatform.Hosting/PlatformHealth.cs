using Azure.Storage.Blobs;
using Confluent.Kafka;
using Npgsql;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Hosting;

/// <summary>Readiness: Kafka answers metadata, Postgres answers a query, Blob answers a service call.</summary>
public sealed class PlatformHealth(KafkaSettings kafka, NpgsqlDataSource database, BlobServiceClient blobs)
    : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly Lazy<IAdminClient> _admin = new(() =>
    {
        KafkaNativeLibrary.EnsureResolver();
        var config = new AdminClientConfig { ClientId = "pit-health" };
        kafka.Apply(config);
        return kafka.Configure(new AdminClientBuilder(config)).Build();
    });

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(Run("kafka", () => Task.Run(
                        () =>
                        {
                            var metadata = _admin.Value.GetMetadata(Timeout);
                            return $"{metadata.Brokers.Count} brokers";
                        },
                        cancellationToken
                    )), Run("postgres", async () =>
                {
                    await using var command = database.CreateCommand("SELECT 1");
                    await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    return "query ok";
                }), Run("blob", async () =>
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(Timeout);
                    await blobs.GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
                    return "service reachable";
                }))
            .ConfigureAwait(false);
        return new HealthReport(
            checks.All(c => c.Value.Status == "ok") ? "healthy" : "unhealthy",
            checks.ToDictionary()
        );
    }

    private static async Task<KeyValuePair<string, HealthCheck>> Run(string name, Func<Task<string>> check)
    {
        try
        {
            var detail = await check().WaitAsync(Timeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return new(name, new HealthCheck("ok", detail));
        }
        catch (Exception e)
        {
            return new(name, new HealthCheck("failing", e.GetType().Name + ": " + e.Message));
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
            _admin.Value.Dispose();
    }
}

public sealed record HealthReport(string Status, IReadOnlyDictionary<string, HealthCheck> Checks)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsHealthy => Status == "healthy";
}

public sealed record HealthCheck(string Status, string Detail);
