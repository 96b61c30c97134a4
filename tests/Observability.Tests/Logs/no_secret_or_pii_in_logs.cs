using System.Net;
using PitPlatform.Hosting;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Logs;

/// <summary>
/// Events carrying PII (an e-mail address, a card, a phone number, an IP address, a user id), accepted and rejected, go
/// through ingest and every consumer while the host logs JSON at Debug and every span is recorded: no log line and no
/// span attribute holds any of them raw, nor the host's secrets. (tests/Billing.Tests' secrets_never_logged covers
/// API keys and the Stripe key across a real process.)
/// </summary>
public sealed class no_secret_or_pii_in_logs(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Pii =
    [
        "jane.doe@example.com",
        "4111 1111 1111 1111",
        "415 555 0100",
        "203.0.113.7",
        "jane-42",
    ];

    [Fact]
    public async Task no_log_line_or_span_holds_raw_pii_or_a_secret()
    {
        using var spans = new RecordedSpans();
        var logs = new JsonLogLines();
        var debug = new[]
        {
            "PitPlatform.Ingestion",
            "PitPlatform.Processing",
            "PitPlatform.Access",
            "PitPlatform.Consumer",
            "PitPlatform.Hosting",
            "Microsoft.AspNetCore",
        }.ToDictionary(c => $"Logging:LogLevel:{c}", _ => (string?)"Debug");
        debug[SettingNames.LogFormat] = "json";
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            settings: debug,
            logging: logs.Capture
        );
        var series = Fills.NewSeries("pii");

        var accepted = $$$"""
            {"data":[{"type":"runtime.llm_call","series":"{{{series}}}","payload":{"model":"m","input_tokens":12,"output_tokens":9,
              "prompt":"Mail jane.doe@example.com, card 4111 1111 1111 1111","response":"Called +1 415 555 0100 from 203.0.113.7",
              "user_id":"jane-42","cost_micros":310,"currency":"USD"}}]}
            """;
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(accepted, Ct)).StatusCode);
        var rejected = $$$"""
            {"data":[{"type":"runtime.llm_call","series":"{{{series}}}","payload":{"model":"jane.doe@example.com","input_tokens":"4111 1111 1111 1111",
              "output_tokens":-1,"prompt":"203.0.113.7","user_id":"jane-42"}},
              {"type":"exec.trade_fill","series":"{{{series}}}","cell":"0001","payload":{"instrument":"jane.doe@example.com","side":"415 555 0100"}}]}
            """;
        var status = (await pipeline.PostEventsAsync(rejected, Ct)).StatusCode;
        Assert.True(status is HttpStatusCode.MultiStatus or HttpStatusCode.BadRequest, status.ToString());
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(Fills.One(series), Ct)).StatusCode);
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("nav_points", $"series = '{series}'"),
            n => n == 1,
            TimeSpan.FromSeconds(60),
            "the fill's NAV point"
        );
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("llm_calls", $"series = '{series}'"),
            n => n >= 1,
            TimeSpan.FromSeconds(60),
            "the LLM call's usage"
        );

        var lines = logs.Lines.ToList();
        Assert.True(lines.Count > 3, "the host wrote too little to prove anything:\n" + string.Join('\n', lines));
        var secrets = new[]
        {
            pipeline.Settings[SettingNames.ApiKeyPepper]!,
            pipeline.Settings[SettingNames.RedactionSecret]!,
            pipeline.Host.DevKey.ToString(),
        };
        var attributes = spans
            .Spans.SelectMany(s => s.TagObjects.Select(t => $"{s.DisplayName} {t.Key}={t.Value}"))
            .ToList();
        foreach (var value in Pii.Concat(secrets))
        {
            var leaking = lines.Concat(attributes).Where(l => l.Contains(value, StringComparison.Ordinal)).ToList();
            Assert.True(leaking.Count == 0, $"{value[..4]}... was written:\n{string.Join('\n', leaking)}");
        }
    }
}
