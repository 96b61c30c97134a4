using System.Globalization;
using System.Text;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

public sealed class envelope_producer(KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EnvelopeBuilder Builder = new(TopicCatalog.Embedded, "test/1.0");

    private static EventEnvelope Fill(string instrument = "ACME") =>
        Builder.Build(
            Guid.NewGuid(),
            DateTimeOffset.Parse("2026-11-22T09:30:00.123Z", CultureInfo.InvariantCulture),
            "pit.v1.exec.trade_fill",
            CanonicalKey.ForCell("demo", "alpha", "0001"),
            new TradeFillEvent
            {
                Instrument = instrument,
                Side = TradeSide.Buy,
                Quantity = 1,
                PriceMicros = 1,
                Currency = "USD",
            }
        );

    [Fact]
    public async Task records_carry_the_canonical_key_and_cloudevents_binary_mode_headers()
    {
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        using var producer = new EnvelopeProducer(settings, TopicCatalog.Embedded, "test");
        var envelope = Fill();

        var produced = await producer.ProduceAsync(envelope, Ct);

        var record = Assert.Single(
            TopicReader.ReadAll(settings, "pit.v1.exec.trade_fill", 1, TimeSpan.FromSeconds(20))
        );
        Assert.Equal(produced.Partition, record.Partition.Value);
        Assert.Equal("t/demo/s/alpha/c/0001", Encoding.UTF8.GetString(record.Message.Key));
        Assert.Equal(envelope.ToByteArray(), record.Message.Value);
        var headers = record.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
        Assert.Equal("1.0", headers["ce_specversion"]);
        Assert.Equal(envelope.EventId, headers["ce_id"]);
        Assert.Equal("test/1.0", headers["ce_source"]);
        Assert.Equal(PayloadTypes.TradeFill, headers["ce_type"]);
        Assert.Equal("t/demo/s/alpha/c/0001", headers["ce_subject"]);
        Assert.Equal("2026-11-22T09:30:00.123Z", headers["ce_time"]);
    }

    [Fact]
    public async Task an_envelope_for_a_topic_outside_the_catalog_is_refused_before_kafka()
    {
        using var producer = new EnvelopeProducer(
            kafka.Settings(await kafka.CreateCatalogTopicsAsync()),
            TopicCatalog.Embedded,
            "test"
        );
        var envelope = Fill();
        envelope.Topic = "pit.v1.exec.not_in_catalog";
        await Assert.ThrowsAsync<UnknownTopicException>(() => producer.ProduceAsync(envelope, Ct));
    }

    [Fact]
    public async Task an_envelope_over_the_event_hubs_limit_is_refused_before_kafka()
    {
        using var producer = new EnvelopeProducer(
            kafka.Settings(await kafka.CreateCatalogTopicsAsync()),
            TopicCatalog.Embedded,
            "test"
        );
        var error = await Assert.ThrowsAsync<EnvelopeTooLargeException>(() =>
            producer.ProduceAsync(Fill(new string('x', EnvelopeProducer.MaxEnvelopeBytes)), Ct)
        );
        Assert.True(error.Size > error.Limit);
    }

    [Fact]
    public async Task a_batch_serialised_by_the_caller_is_sent_as_given_with_its_headers()
    {
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        using var producer = new EnvelopeProducer(settings, TopicCatalog.Embedded, "test");
        var envelopes = new[] { Fill("ACME"), Fill("BETA") };

        var outcomes = await producer.ProduceBatchAsync(envelopes, envelopes.Select(e => e.ToByteArray()).ToList());

        Assert.All(outcomes, o => Assert.True(o.IsStored));
        var records = TopicReader.ReadAll(settings, "pit.v1.exec.trade_fill", 2, TimeSpan.FromSeconds(20));
        Assert.Equal(
            envelopes.Select(e => e.EventId).Order(),
            records.Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).EventId).Order()
        );
        Assert.All(records, r => Assert.Contains(r.Message.Headers, h => h.Key == "ce_id"));
    }

    [Fact]
    public async Task each_record_of_a_batch_carries_its_own_envelopes_trace_context_in_its_headers()
    {
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        using var producer = new EnvelopeProducer(settings, TopicCatalog.Embedded, "test");
        const string first = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string second = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        // The producer encodes a run of equal contexts once: a change of context, and back, must still show.
        (string Traceparent, string Tracestate)[] contexts =
        [
            (first, "pit=1"),
            (first, "pit=1"),
            (second, ""),
            (first, "pit=2"),
            ("", ""),
        ];
        var envelopes = contexts
            .Select(c =>
            {
                var envelope = Fill();
                envelope.Traceparent = c.Traceparent;
                envelope.Tracestate = c.Tracestate;
                return envelope;
            })
            .ToList();

        var outcomes = await producer.ProduceBatchAsync(envelopes);

        Assert.All(outcomes, o => Assert.True(o.IsStored));
        var records = TopicReader.ReadAll(
            settings,
            "pit.v1.exec.trade_fill",
            envelopes.Count,
            TimeSpan.FromSeconds(20)
        );
        Assert.Equal(envelopes.Count, records.Count);
        foreach (var record in records)
        {
            var envelope = EventEnvelope.Parser.ParseFrom(record.Message.Value);
            var headers = record.Message.Headers.ToDictionary(
                h => h.Key,
                h => Encoding.UTF8.GetString(h.GetValueBytes())
            );
            Assert.Equal(envelope.Traceparent, headers.GetValueOrDefault("traceparent", ""));
            Assert.Equal(envelope.Tracestate, headers.GetValueOrDefault("tracestate", ""));
        }
    }

    [Fact]
    public async Task serialised_bytes_that_do_not_match_the_envelopes_one_for_one_are_refused()
    {
        using var producer = new EnvelopeProducer(
            kafka.Settings(await kafka.CreateCatalogTopicsAsync()),
            TopicCatalog.Embedded,
            "test"
        );
        var envelopes = new[] { Fill(), Fill() };
        await Assert.ThrowsAsync<ArgumentException>(() =>
            producer.ProduceBatchAsync(envelopes, [envelopes[0].ToByteArray()])
        );
    }

    [Fact]
    public async Task a_bulk_loader_with_a_longer_linger_delivers_every_record_of_a_batch()
    {
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        using var producer = new EnvelopeProducer(
            settings,
            TopicCatalog.Embedded,
            "test",
            new EnvelopeProducerOptions { Linger = TimeSpan.FromMilliseconds(50) }
        );
        var envelopes = Enumerable.Range(0, 500).Select(i => Fill($"I{i}")).ToList();

        var outcomes = await producer.ProduceBatchAsync(envelopes);

        Assert.All(outcomes, o => Assert.True(o.IsStored));
        var records = TopicReader.ReadAll(settings, "pit.v1.exec.trade_fill", 500, TimeSpan.FromSeconds(20));
        Assert.Equal(
            envelopes.Select(e => e.EventId).Order(),
            records.Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).EventId).Order()
        );
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(15 * 60 * 1000 + 1)]
    public void a_linger_outside_what_librdkafka_accepts_is_refused_when_the_options_are_made(int milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new EnvelopeProducerOptions { Linger = TimeSpan.FromMilliseconds(milliseconds) }
        );
}
