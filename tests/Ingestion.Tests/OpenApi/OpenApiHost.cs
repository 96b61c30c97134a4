using System.Collections.Concurrent;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Contracts.Schema;
using PitPlatform.LocalHost;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests.OpenApi;

/// <summary>
/// The local host the contract test talks to, shared by its cases: started through <see cref="TestPipeline"/> without
/// consumers, with the NAV points of the spec's 200 examples of GET /v1/series/{series}/nav stored for the development
/// key's tenant, so those examples can be compared with what the host answers.
/// </summary>
public sealed class OpenApiHost(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ApiKeyText> _keys = new();

    public TestPipeline Pipeline { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await StoreDocumentedNavPointsAsync(Pipeline);
        await StoreDocumentedUsageAsync(Pipeline);
    }

    public ValueTask DisposeAsync() => Pipeline.DisposeAsync();

    /// <summary>A key of the development tenant with exactly these scopes (one per scope set).</summary>
    public async Task<ApiKeyText> KeyWithScopesAsync(IReadOnlyCollection<string> scopes)
    {
        var name = string.Join(",", scopes.Order());
        if (_keys.TryGetValue(name, out var known))
            return known;
        var key = await Pipeline
            .Service<ApiKeyStore>()
            .CreateAsync(DevApiKey.Tenant, scopes, $"openapi contract: {name}");
        return _keys.GetOrAdd(name, key);
    }

    /// <summary>A key of another tenant than the development key's, with every scope.</summary>
    public Task<ApiKeyText> KeyOfAnotherTenantAsync() =>
        Pipeline
            .Service<ApiKeyStore>()
            .CreateAsync("openapi-other-tenant", ApiKeyScope.All, "openapi contract: another tenant");

    /// <summary>
    /// Stores every point the 200 examples of the NAV query show (each once), as the analytics consumer would.
    /// </summary>
    internal static async Task StoreDocumentedNavPointsAsync(TestPipeline pipeline)
    {
        var nav = ApiSpec.Current.Operation("GET /v1/series/{series}/nav");
        // Raw examples only: a downsampled example shows buckets the raw points produce, not points to store.
        var points = nav.ResponseExamples(200)
            .Values.Where(example =>
                !example.GetProperty("meta").TryGetProperty("interval", out var interval)
                || interval.GetString() == "raw"
            )
            .SelectMany(example =>
                example
                    .GetProperty("data")
                    .EnumerateArray()
                    .Select(point =>
                        (Series: example.GetProperty("meta").GetProperty("series").GetString()!, Point: point)
                    )
            )
            .DistinctBy(p =>
                (
                    p.Series,
                    p.Point.GetProperty("cell").GetString(),
                    p.Point.GetProperty("ts").GetString(),
                    p.Point.GetProperty("fills_applied").GetInt64()
                )
            )
            .ToList();
        foreach (var (series, point) in points)
        {
            if (!Rfc3339.TryParse(point.GetProperty("ts").GetString()!, out var ts))
                throw new InvalidDataException($"bad ts in a NAV example: {point}");
            await using var command = pipeline.Database.DataSource.CreateCommand(
                """
                INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """
            );
            command.Parameters.Add(new() { Value = Guid.NewGuid() });
            command.Parameters.Add(new() { Value = DevApiKey.Tenant });
            command.Parameters.Add(new() { Value = series });
            command.Parameters.Add(new() { Value = point.GetProperty("cell").GetString()! });
            command.Parameters.Add(new() { Value = point.GetProperty("currency").GetString()! });
            command.Parameters.Add(new() { Value = ts.UtcDateTime });
            command.Parameters.Add(new() { Value = point.GetProperty("nav_micros").GetInt64() });
            command.Parameters.Add(new() { Value = point.GetProperty("cash_micros").GetInt64() });
            command.Parameters.Add(new() { Value = point.GetProperty("positions_value_micros").GetInt64() });
            command.Parameters.Add(new() { Value = point.GetProperty("fills_applied").GetInt64() });
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Stores the daily usage the 200 examples of GET /v1/usage show, as the usage aggregator would.</summary>
    internal static async Task StoreDocumentedUsageAsync(TestPipeline pipeline)
    {
        var usage = ApiSpec.Current.Operation("GET /v1/usage");
        var rows = usage
            .ResponseExamples(200)
            .Values.SelectMany(example => example.GetProperty("data").EnumerateArray())
            .DistinctBy(r =>
                (
                    r.GetProperty("day").GetString(),
                    r.GetProperty("model").GetString(),
                    r.GetProperty("currency").GetString()
                )
            )
            .ToList();
        foreach (var row in rows)
        {
            await using var command = pipeline.Database.DataSource.CreateCommand(
                """
                INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """
            );
            command.Parameters.Add(new() { Value = DevApiKey.Tenant });
            command.Parameters.Add(
                new()
                {
                    Value = DateOnly.ParseExact(
                        row.GetProperty("day").GetString()!,
                        "yyyy-MM-dd",
                        System.Globalization.CultureInfo.InvariantCulture
                    ),
                }
            );
            command.Parameters.Add(new() { Value = row.GetProperty("model").GetString()! });
            command.Parameters.Add(new() { Value = row.GetProperty("currency").GetString()! });
            command.Parameters.Add(new() { Value = row.GetProperty("calls").GetInt64() });
            command.Parameters.Add(new() { Value = row.GetProperty("input_tokens").GetInt64() });
            command.Parameters.Add(new() { Value = row.GetProperty("output_tokens").GetInt64() });
            command.Parameters.Add(new() { Value = row.GetProperty("cost_micros").GetInt64() });
            await command.ExecuteNonQueryAsync();
        }
    }
}
