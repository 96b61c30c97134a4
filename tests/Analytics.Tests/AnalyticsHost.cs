using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// The local host without consumer loops, on the run's real Postgres, Kafka and Blob. Tests store NAV points by
/// handing NAV update records to the real <see cref="NavAnalyticsConsumer"/> and read them back over HTTP.
/// Each test uses a series of its own, so tests sharing the host never see each other's points.
/// </summary>
public sealed class AnalyticsHost(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private readonly EnvelopeBuilder _envelopes = new(TopicCatalog.Embedded, "test/1.0");
    private long _offset;

    public TestPipeline Pipeline { get; private set; } = null!;

    [SuppressMessage("Performance", "CA1822", Justification = "Tests read it through the fixture they are given.")]
    public string Tenant => DevApiKey.Tenant;

    public async ValueTask InitializeAsync() =>
        Pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => Pipeline.DisposeAsync();

    public static string NewSeries(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>
    /// NAV update records as the broker would deliver them, for the development key's tenant unless told.
    /// </summary>
    public ConsumedRecord Record(
        string series,
        string cell,
        DateTimeOffset ts,
        long navMicros,
        long fillsApplied,
        string currency = "USD",
        string? tenant = null,
        Guid? id = null
    )
    {
        var envelope = _envelopes.Build(
            id ?? Guid.NewGuid(),
            ts,
            NavProcessor.OutputTopic,
            CanonicalKey.ForCell(tenant ?? Tenant, series, cell),
            new NAVUpdateEvent
            {
                Currency = currency,
                NavMicros = navMicros,
                CashMicros = navMicros - 1_000_000,
                PositionsValueMicros = 1_000_000,
                FillsApplied = fillsApplied,
                SourceEventId = Guid.NewGuid().ToString(),
            }
        );
        return new ConsumedRecord(
            NavProcessor.OutputTopic,
            0,
            Interlocked.Increment(ref _offset),
            Encoding.UTF8.GetBytes(envelope.Key),
            envelope.ToByteArray(),
            DateTimeOffset.UtcNow,
            []
        );
    }

    /// <summary>
    /// Stores records through the analytics consumer, in batches of up to 500 as the consumer loop would.
    /// </summary>
    public async Task StoreAsync(IEnumerable<ConsumedRecord> records)
    {
        var consumer = Pipeline.Service<NavAnalyticsConsumer>();
        foreach (var batch in records.Chunk(500))
            await consumer.HandleAsync(batch, TestContext.Current.CancellationToken);
    }

    public Task<ApiKeyText> KeyAsync(string tenant, params string[] scopes) =>
        Pipeline
            .Service<ApiKeyStore>()
            .CreateAsync(tenant, scopes.Length == 0 ? [ApiKeyScope.Read] : scopes, "analytics tests");

    /// <summary>
    /// GET with the development key (or another), as status, content type, text and JSON when it is JSON.
    /// </summary>
    public async Task<Answer> GetAsync(string pathAndQuery, string? key = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Pipeline.Host.DevKey.ToString());
        using var client = new HttpClient { BaseAddress = Pipeline.Host.BaseAddress };
        using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return new Answer(
            (int)response.StatusCode,
            mediaType,
            text,
            mediaType == "application/json" ? JsonDocument.Parse(text).RootElement.Clone() : null
        );
    }

    /// <summary>Every page of a JSON query, following meta.next_page_token.</summary>
    public async Task<(List<JsonElement> Points, int Pages)> AllPagesAsync(string pathAndQuery)
    {
        var points = new List<JsonElement>();
        var pages = 0;
        string? token = null;
        do
        {
            var answer = await GetAsync(
                token is null ? pathAndQuery : $"{pathAndQuery}&page_token={Uri.EscapeDataString(token)}"
            );
            Assert.True(answer.Status == 200, answer.Text);
            pages++;
            points.AddRange(answer.Json!.Value.GetProperty("data").EnumerateArray());
            token = answer.Json.Value.GetProperty("meta").TryGetProperty("next_page_token", out var next)
                ? next.GetString()
                : null;
            Assert.True(pages < 10_000, "paging never ends");
        } while (token is not null);
        return (points, pages);
    }
}

public sealed record Answer(int Status, string? MediaType, string Text, JsonElement? Json)
{
    public JsonElement Data => Json!.Value.GetProperty("data");
    public JsonElement Meta => Json!.Value.GetProperty("meta");
    public string ErrorCode => Json!.Value.GetProperty("error").GetProperty("code").GetString()!;
    public string ErrorParameter =>
        Json!.Value.GetProperty("error").GetProperty("details").GetProperty("parameter").GetString()!;
}
