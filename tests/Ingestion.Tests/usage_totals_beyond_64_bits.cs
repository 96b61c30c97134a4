using System.Net;
using System.Text.Json;
using PitPlatform.LocalHost;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Found by ./pit fuzz: each day's usage row fits 64 bits (the aggregator dead-letters an event that would overflow
/// it), but the totals over several models and days need not, and GET /v1/usage and GET /v1/billing/usage answered
/// 500 for them. The usage totals are now exact; a billing meter's day and month are capped at the 64-bit range.
/// </summary>
public sealed class usage_totals_beyond_64_bits(UsageTotalsHost host) : IClassFixture<UsageTotalsHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_usage_totals_are_exact_past_the_64_bit_range()
    {
        var answer = await host.Pipeline.Http.GetAsync(
            $"/v1/usage?from={UsageTotalsHost.Day:yyyy-MM-dd}&to={UsageTotalsHost.Day:yyyy-MM-dd}",
            Ct
        );

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        var total = Assert.Single(body.RootElement.GetProperty("meta").GetProperty("totals").EnumerateArray());
        // 2 x (2^63 - 2), an integer
        Assert.Equal("18446744073709551612", total.GetProperty("cost_micros").GetRawText());
        Assert.Equal("2000000000000000000", total.GetProperty("input_tokens").GetRawText());
        Assert.Equal(2, body.RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task the_billing_meters_are_capped_at_the_64_bit_range_instead_of_failing()
    {
        var answer = await host.Pipeline.Http.GetAsync($"/v1/billing/usage?period={UsageTotalsHost.Day:yyyy-MM}", Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        var meters = body
            .RootElement.GetProperty("data")
            .EnumerateArray()
            .ToDictionary(m => m.GetProperty("meter").GetString()!, m => m.GetProperty("quantity").GetInt64());
        Assert.Equal(long.MaxValue, meters["llm_cost_micros"]);
        Assert.Equal(long.MaxValue, meters["llm_tokens"]);
    }
}

/// <summary>A host whose tenant has, on one day, two models' usage rows each at the top of the 64-bit range.</summary>
public sealed class UsageTotalsHost(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    public static readonly DateOnly Day = new(2026, 3, 14);

    public TestPipeline Pipeline { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        foreach (var model in new[] { "model-a", "model-b" })
        {
            await using var command = Pipeline.Database.DataSource.CreateCommand(
                """
                INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros)
                VALUES ($1, $2, $3, 'USD', 1, 1000000000000000000, 9223372036854775806, 9223372036854775806)
                """
            );
            command.Parameters.Add(new() { Value = DevApiKey.Tenant });
            command.Parameters.Add(new() { Value = Day });
            command.Parameters.Add(new() { Value = model });
            await command.ExecuteNonQueryAsync();
        }
    }

    public ValueTask DisposeAsync() => Pipeline.DisposeAsync();
}
