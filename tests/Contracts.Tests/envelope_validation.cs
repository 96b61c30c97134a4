using System.Text;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using Xunit;
using static PitPlatform.Contracts.Envelopes.EnvelopeValidationOutcome;

namespace PitPlatform.Contracts.Tests;

public sealed class envelope_validation
{
    private const string Topic = "pit.v1.exec.trade_fill";
    private static readonly CanonicalKey Key = CanonicalKey.ForCell("demo", "alpha", "0001");
    private readonly EnvelopeValidator _validator = new(TopicCatalog.Embedded);
    private readonly EnvelopeBuilder _builder = new(TopicCatalog.Embedded, "test/1.0");

    private EventEnvelope NewEnvelope() =>
        _builder.Build(
            Guid.NewGuid(),
            DateTimeOffset.UtcNow,
            Topic,
            Key,
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 1,
                PriceMicros = 1,
                Currency = "USD",
            }
        );

    private EnvelopeValidationResult Check(EventEnvelope envelope, string? recordKey = null) =>
        _validator.Validate(envelope.ToByteArray(), Encoding.UTF8.GetBytes(recordKey ?? envelope.Key), Topic);

    [Fact]
    public void a_built_envelope_is_valid_and_parsed_once()
    {
        var envelope = NewEnvelope();
        var result = Check(envelope);
        Assert.Equal(Valid, result.Outcome);
        Assert.Equal(Guid.Parse(envelope.EventId), result.EventId);
        Assert.Equal(Key, result.Key);
    }

    [Fact]
    public void bytes_that_are_not_protobuf_are_not_envelope()
    {
        var result = _validator.Validate("{\"json\":true}"u8.ToArray(), default, Topic);
        Assert.Equal(NotEnvelope, result.Outcome);
        Assert.Null(result.Envelope);
    }

    [Theory]
    [InlineData("event_id")]
    [InlineData("ts")]
    [InlineData("producer")]
    [InlineData("payload_type")]
    [InlineData("payload_sha256")]
    [InlineData("key")]
    [InlineData("topic")]
    public void a_missing_invariant_is_invalid_envelope(string field)
    {
        var envelope = NewEnvelope();
        switch (field)
        {
            case "event_id":
                envelope.EventId = "not-a-uuid";
                break;
            case "ts":
                envelope.Ts = null;
                break;
            case "producer":
                envelope.Producer = "";
                break;
            case "payload_type":
                envelope.PayloadType = "";
                break;
            case "payload_sha256":
                envelope.PayloadSha256 = ByteString.Empty;
                break;
            case "key":
                envelope.Key = "t/demo";
                break;
            case "topic":
                envelope.Topic = "pit.v1.acct.nav_update";
                break;
        }
        Assert.Equal(InvalidEnvelope, Check(envelope).Outcome);
    }

    [Theory]
    [InlineData("tenant", "other")]
    [InlineData("series", "beta")]
    [InlineData("cell", "0002")]
    [InlineData("cell", "")]
    public void key_fields_that_disagree_with_the_key_are_key_mismatch(string field, string value)
    {
        var envelope = NewEnvelope();
        switch (field)
        {
            case "tenant":
                envelope.Tenant = value;
                break;
            case "series":
                envelope.Series = value;
                break;
            case "cell":
                envelope.Cell = value;
                break;
        }
        Assert.Equal(KeyMismatch, Check(envelope).Outcome);
    }

    [Fact]
    public void a_record_key_other_than_the_envelope_key_is_key_mismatch()
    {
        Assert.Equal(KeyMismatch, Check(NewEnvelope(), recordKey: "t/other/s/alpha/c/0001").Outcome);
    }

    [Fact]
    public void a_payload_type_the_topic_does_not_carry_is_payload_type_mismatch()
    {
        var envelope = NewEnvelope();
        envelope.PayloadType = PayloadTypes.NavUpdate;
        Assert.Equal(PayloadTypeMismatch, Check(envelope).Outcome);
    }

    [Fact]
    public void an_altered_payload_is_payload_hash_mismatch()
    {
        var envelope = NewEnvelope();
        var bytes = envelope.Payload.ToByteArray();
        bytes[^1] ^= 0xFF;
        envelope.Payload = ByteString.CopyFrom(bytes);
        Assert.Equal(PayloadHashMismatch, Check(envelope).Outcome);
    }

    [Fact]
    public void outcomes_name_the_dead_letter_reasons()
    {
        Assert.Equal(
            [
                "valid",
                "not_envelope",
                "invalid_envelope",
                "key_mismatch",
                "payload_type_mismatch",
                "payload_hash_mismatch",
            ],
            Enum.GetValues<EnvelopeValidationOutcome>().Select(o => o.ToReason())
        );
    }

    [Fact]
    public void the_builder_refuses_a_payload_the_topic_does_not_carry()
    {
        Assert.Throws<InvalidOperationException>(() =>
            _builder.Build(Guid.NewGuid(), DateTimeOffset.UtcNow, Topic, Key, new NAVUpdateEvent())
        );
    }

    [Fact]
    public void the_builder_refuses_a_topic_outside_the_catalog()
    {
        Assert.Throws<UnknownTopicException>(() =>
            _builder.Build(Guid.NewGuid(), DateTimeOffset.UtcNow, "pit.v1.exec.unknown", Key, new TradeFillEvent())
        );
    }
}
