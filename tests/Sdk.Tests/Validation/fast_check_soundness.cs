using System.Text;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Schema;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Sdk.Transport;
using Xunit;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>
/// The sender's fast path (SchemaFastCheck) may send an event to the full validator needlessly, but must never pass
/// one the corpus refuses; and it must pass the ordinary events the typed helpers write, or it saves nothing.
/// </summary>
public sealed class fast_check_soundness
{
    private static readonly Lazy<IReadOnlyList<ConformanceCase>> Cases = new(ConformanceCorpus.Load);
    private static readonly UTF8Encoding Strict = new(
        encoderShouldEmitUTF8Identifier: false,
        throwOnInvalidBytes: true
    );

    public static TheoryData<int> CaseNumbers => new(Enumerable.Range(0, Cases.Value.Count));

    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void the_fast_check_passes_no_event_the_corpus_refuses(int number)
    {
        var expected = Cases.Value[number];
        byte[] json;
        try
        {
            json = Strict.GetBytes(expected.Json);
        }
        catch (EncoderFallbackException)
        {
            return; // a lone surrogate has no UTF-8 form: no writer can hand the check such bytes
        }

        var passed = EventSchemaValidator.Embedded.IsCertainlyValid(json);

        Assert.False(passed && expected.Errors.Count > 0, $"{expected.Name}: passed, but the corpus refuses it");
    }

    [Fact]
    public void the_fast_check_passes_the_events_the_typed_helpers_write()
    {
        var encoder = new EventEncoder(EventSchemaValidator.Embedded);
        PitEvent[] events =
        [
            Fills.Buy(),
            new LlmCallEvent("assistant")
            {
                Model = "gpt-4.1",
                Prompt = "Summarise the fills of cell 0001",
                InputTokens = 12,
                OutputTokens = 9,
                CostMicros = 310,
                Currency = "USD",
                LatencyMs = 840,
            },
        ];

        foreach (var pitEvent in events)
        {
            var json = encoder.Encode(pitEvent, "", out var errors)!.Json;
            Assert.Null(errors);
            Assert.True(EventSchemaValidator.Embedded.IsCertainlyValid(json), Encoding.UTF8.GetString(json));
        }
    }

    [Fact]
    public void the_corpus_valid_events_mostly_pass_the_fast_check()
    {
        var valid = Cases.Value.Where(c => c.Errors.Count == 0).ToList();

        var passed = valid.Count(c => EventSchemaValidator.Embedded.IsCertainlyValid(Encoding.UTF8.GetBytes(c.Json)));

        Assert.True(passed * 2 >= valid.Count, $"only {passed} of {valid.Count} valid corpus events passed");
    }
}
