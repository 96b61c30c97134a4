using System.Globalization;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// Buys of one instrument per cell, produced straight to the trade-fill topic, and the exact state they must leave:
/// per cell, cash = -(sum of quantity x price + fees), quantity = sum of quantities, last price = the price of the
/// cell's last fill (per-key order), NAV = cash + quantity x last price, one processed row and one NAV update per fill.
/// </summary>
internal sealed class FillScenario
{
    private readonly List<EventEnvelope> _fills = [];

    public FillScenario(int fills, int cells = 10, string series = "faults")
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "scenario/1.0");
        var start = DateTimeOffset.Parse("2026-11-22T09:00:00Z", CultureInfo.InvariantCulture);
        for (var i = 0; i < fills; i++)
        {
            _fills.Add(
                builder.Build(
                    Guid.NewGuid(),
                    start.AddMilliseconds(i),
                    NavProcessor.InputTopic,
                    CanonicalKey.ForCell("demo", series, $"c{i % cells:00}"),
                    new TradeFillEvent
                    {
                        Instrument = "ACME",
                        Side = TradeSide.Buy,
                        Quantity = 1 + i % 7,
                        PriceMicros = 10_000_000 + i % 1_000 * 1_000,
                        FeeMicros = i % 3,
                        Currency = "USD",
                    }
                )
            );
        }
    }

    public IReadOnlyList<EventEnvelope> Fills => _fills;

    public int Count => _fills.Count;

    /// <summary>
    /// Produces <paramref name="envelopes"/> (default: all fills) in order; each cell's fills keep their order.
    /// </summary>
    public static async Task ProduceAsync(KafkaSettings kafka, IEnumerable<EventEnvelope> envelopes)
    {
        using var producer = new EnvelopeProducer(kafka, TopicCatalog.Embedded, "scenario");
        foreach (var chunk in envelopes.Chunk(2_000))
        {
            var outcomes = await producer.ProduceBatchAsync(chunk);
            Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
        }
    }

    public Task ProduceAsync(KafkaSettings kafka) => ProduceAsync(kafka, _fills);

    /// <summary>
    /// Waits until every fill has its processed row (a database that is down for a while counts as not yet).
    /// </summary>
    public Task WaitUntilAppliedAsync(TestDatabase database, TimeSpan timeout) =>
        Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    return await database.CountAsync("processed_events", "consumer = 'nav-processor'");
                }
                catch (Npgsql.NpgsqlException)
                {
                    return -1;
                }
            },
            n => n >= Count,
            timeout,
            $"{Count} processed fills"
        );

    /// <summary>
    /// Asserts every cell's cash, position and fill count, the row counts, and the NAV updates on the topic.
    /// </summary>
    public async Task AssertExactStateAsync(TestDatabase database, KafkaSettings kafka)
    {
        Assert.Equal(Count, await database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        var cells = _fills.GroupBy(f => f.Key).ToList();
        Assert.Equal(cells.Count, await database.CountAsync("cell_cash"));
        Assert.Equal(cells.Count, await database.CountAsync("cell_positions"));
        var finalNav = new Dictionary<string, long>();
        foreach (var cell in cells)
        {
            var fills = cell.Select(f => TradeFillEvent.Parser.ParseFrom(f.Payload)).ToList();
            var cash = -fills.Sum(f => f.Quantity * f.PriceMicros + f.FeeMicros);
            var quantity = fills.Sum(f => f.Quantity);
            var name = CanonicalKey.TryParse(cell.Key, out var key, out _)
                ? key!.Cell!
                : throw new InvalidOperationException(cell.Key);
            Assert.Equal(
                cash,
                await database.ScalarAsync<long>($"SELECT cash_micros FROM cell_cash WHERE cell = '{name}'")
            );
            Assert.Equal(
                fills.Count,
                await database.ScalarAsync<long>($"SELECT fills_applied FROM cell_cash WHERE cell = '{name}'")
            );
            Assert.Equal(
                quantity,
                await database.ScalarAsync<long>($"SELECT quantity FROM cell_positions WHERE cell = '{name}'")
            );
            Assert.Equal(
                fills[^1].PriceMicros,
                await database.ScalarAsync<long>($"SELECT last_price_micros FROM cell_positions WHERE cell = '{name}'")
            );
            finalNav[cell.Key] = cash + quantity * fills[^1].PriceMicros;
        }

        // One NAV update per fill (a repeat, if any, byte for byte the same), the last of each cell with the exact NAV.
        var records = TopicReader.ReadAll(kafka, NavProcessor.OutputTopic, expected: Count, TimeSpan.FromSeconds(60));
        var updates = records.Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value)).ToList();
        var byId = updates.GroupBy(u => u.EventId).ToList();
        Assert.Equal(Count, byId.Count);
        Assert.All(byId, g => Assert.Single(g.Select(u => Convert.ToHexString(u.ToByteArray())).Distinct()));
        foreach (var (cellKey, nav) in finalNav)
        {
            var last = byId.Select(g => g.First())
                .Where(u => u.Key == cellKey)
                .Select(u => NAVUpdateEvent.Parser.ParseFrom(u.Payload))
                .MaxBy(u => u.FillsApplied)!;
            Assert.Equal(nav, last.NavMicros);
        }
    }
}
