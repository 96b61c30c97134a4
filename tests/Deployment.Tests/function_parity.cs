using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Scheduling;
using PitPlatform.Testing;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// The Functions app and the local host declare the same routes, consumer groups and topics, and timers. The
/// Functions side is read from its source (FunctionsSource), the local side from the running host.
/// </summary>
public sealed class function_parity(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    // Local-only operational routes: Azure has its own health probes for the platform.
    private static readonly HashSet<string> LocalOnlyRoutes = ["GET /livez", "GET /healthz"];

    private static FunctionsSource Functions => FunctionsSource.App.Value;

    [Fact]
    public void every_function_attribute_can_be_read_from_source()
    {
        Assert.Empty(Functions.Unreadable);
        Assert.NotEmpty(Functions.Http);
        Assert.NotEmpty(Functions.Kafka);
    }

    [Fact]
    public async Task both_hosts_serve_the_same_routes()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var local = pipeline.Host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText)}"))
            .Where(r => !LocalOnlyRoutes.Contains(r))
            .Order().ToList();
        var azure = Functions.Http.Select(f => $"{f.Method} {Normalize(f.Route)}").Order().ToList();
        Assert.Equal(local, azure);
    }

    [Fact]
    public async Task both_hosts_consume_the_same_topics_in_the_same_groups()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var local = pipeline.Host.Services.GetServices<IRecordBatchHandler>()
            .SelectMany(h => h.Topics.Select(t => $"{h.ConsumerGroup} <- {t}")).Order().ToList();
        var azure = Functions.Kafka.Select(k => $"{k.ConsumerGroup} <- {k.Topic}").Order().ToList();
        Assert.Equal(local, azure);
        Assert.All(Functions.Kafka, k => Assert.True(k.IsBatched, $"{k.Function} is not batched"));
    }

    [Fact]
    public async Task both_hosts_run_the_same_scheduled_jobs_on_the_same_schedule()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var local = pipeline.Host.Services.GetServices<IScheduledJob>().Select(j => $"{j.Name} {j.Schedule}").Order().ToList();
        var azure = Functions.Timers.Select(t => $"{t.Function} {t.Schedule}").Order().ToList();
        Assert.Equal(local, azure);
    }

    /// <summary>"/v1/x/{id:guid}" and "v1/x/{id}" are one route: leading slash, parameter constraints and case aside.</summary>
    private static string Normalize(string? route)
    {
        var text = "/" + (route ?? "").Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(text, @"\{([^}:=?]+)[^}]*\}", "{$1}").ToLowerInvariant();
    }
}
