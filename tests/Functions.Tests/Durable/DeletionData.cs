using System.Text;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// Tenant data a deletion removes: rows written straight to Postgres, and fills archived to Blob by the real archiver.
/// </summary>
internal static class DeletionData
{
    public const string FillTopic = "pit.v1.exec.trade_fill";
    public const int PointsPerCell = 3;
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "durable-deletion/test");
    private static readonly DateTimeOffset At = DateTimeOffset.Parse(
        "2026-11-30T10:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );

    /// <summary>Per cell: 1 cash row, 1 position, <see cref="PointsPerCell"/> NAV points, 2 LLM calls.</summary>
    public static async Task SeedAsync(TestDatabase database, string tenant, string series, params string[] cells)
    {
        foreach (var cell in cells)
        {
            await database.ExecuteAsync(
                $"""
                INSERT INTO cell_cash (tenant, series, cell, currency, cash_micros, fills_applied) VALUES ('{tenant}', '{series}', '{cell}', 'USD', -1000, 1);
                INSERT INTO cell_positions (tenant, series, cell, instrument, quantity, last_price_micros, currency) VALUES ('{tenant}', '{series}', '{cell}', 'ACME', 10, 100, 'USD');
                INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
                SELECT gen_random_uuid(), '{tenant}', '{series}', '{cell}', 'USD', timestamptz '2026-11-30 10:00:00+00' + n * interval '1 minute', 0, -1000, 1000, n
                FROM generate_series(1, {PointsPerCell}) n;
                INSERT INTO llm_calls (event_id, tenant, series, cell, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms,
                    user_ref_hash, flagged, prompt_sha256, response_sha256)
                VALUES (gen_random_uuid(), '{tenant}', '{series}', '{cell}', now(), 'gpt', 1, 1, 1, 'USD', 1, 'a', false, '\x00', '\x00'),
                       (gen_random_uuid(), '{tenant}', '{series}', '{cell}', now(), 'gpt', 1, 1, 1, 'USD', 1, 'b', false, '\x00', '\x00');
                """
            );
        }
    }

    public static Task<long> RowsAsync(TestDatabase database, string table, string tenant, string series) =>
        database.CountAsync(table, $"tenant = '{tenant}' AND series = '{series}'");

    /// <summary>One fill per owner, at consecutive offsets of partition 0, archived as one range file.</summary>
    public static Task ArchiveFillsAsync(
        IServiceProvider services,
        params (string Tenant, string Series, string Cell)[] owners
    ) =>
        services
            .GetRequiredService<Archiver>()
            .HandleAsync(
                [.. owners.Select((o, i) => Fill(i, CanonicalKey.ForCell(o.Tenant, o.Series, o.Cell)))],
                TestContext.Current.CancellationToken
            );

    /// <summary>Every fill still in the archive's range files.</summary>
    public static async Task<IReadOnlyList<EventEnvelope>> ArchivedFillsAsync(IServiceProvider services)
    {
        var container = services.GetRequiredService<ArchiveStorage>().Container;
        var envelopes = new List<EventEnvelope>();
        await foreach (
            var item in container.GetBlobsAsync(
                BlobTraits.None,
                BlobStates.None,
                prefix: null,
                cancellationToken: TestContext.Current.CancellationToken
            )
        )
        {
            if (item.Name.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal))
                continue;
            var content = (
                await container.GetBlobClient(item.Name).DownloadContentAsync(TestContext.Current.CancellationToken)
            ).Value.Content.ToMemory();
            envelopes.AddRange(ArchiveRangeFile.Decode(content).Select(v => EventEnvelope.Parser.ParseFrom(v.Span)));
        }
        return envelopes;
    }

    private static ConsumedRecord Fill(long offset, CanonicalKey key)
    {
        var envelope = Envelopes.Build(
            DeterministicGuid.Create(DeterministicGuid.PitNamespace, $"durable-deletion:{offset}:{key}"),
            At.AddSeconds(offset),
            FillTopic,
            key,
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 1,
                PriceMicros = 1_000_000,
                Currency = "USD",
            }
        );
        return new ConsumedRecord(
            FillTopic,
            0,
            offset,
            Encoding.UTF8.GetBytes(envelope.Key),
            envelope.ToByteArray(),
            At.AddSeconds(offset),
            []
        );
    }
}
