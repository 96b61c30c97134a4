using PitPlatform.Ingestion.Redaction;
using PitPlatform.Ingestion.Redaction.Detection;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Overlapping detections resolve deterministically: the longest span wins, then the leftmost, then the lower kind.
/// </summary>
public sealed class redaction_overlaps
{
    private static readonly PiiRedactor Redactor = new();

    [Theory]
    [InlineData("4111111111111111@example.com", PiiKind.Email)]
    [InlineData("555-123-4567@example.com", PiiKind.Email)]
    [InlineData("123-45-6789@example.com", PiiKind.Email)]
    [InlineData("::ffff:192.0.2.128", PiiKind.Ip)]
    public void the_longest_detection_takes_the_whole_span(string value, PiiKind winner)
    {
        var result = Redactor.Redact($"x {value} y", RedactionPolicy.Default);

        Assert.Equal($"x [redacted:{redaction_corpus.Label(winner)}] y", result.Text);
        Assert.Equal(1, result.Total);
    }

    [Fact]
    public void a_card_next_to_an_email_keeps_both()
    {
        var result = Redactor.Redact("4111111111111111 a@example.com", RedactionPolicy.Default);

        Assert.Equal("[redacted:card] [redacted:email]", result.Text);
    }

    [Fact]
    public void the_longest_span_wins_and_spans_touching_it_are_dropped()
    {
        List<PiiSpan> spans =
        [
            new(0, 4, PiiKind.Card),
            new(3, 10, PiiKind.Phone),
            new(12, 4, PiiKind.Ip),
            new(20, 2, PiiKind.Ssn),
        ];

        Assert.Equal([new(3, 10, PiiKind.Phone), new(20, 2, PiiKind.Ssn)], SpanSelection.Resolve(spans));
    }

    [Fact]
    public void among_equally_long_spans_the_leftmost_wins_then_the_lower_kind()
    {
        Assert.Equal(
            [new PiiSpan(0, 5, PiiKind.Ip)],
            SpanSelection.Resolve([new(2, 5, PiiKind.Email), new(0, 5, PiiKind.Ip)])
        );
        Assert.Equal(
            [new PiiSpan(0, 5, PiiKind.Phone)],
            SpanSelection.Resolve([new(0, 5, PiiKind.Card), new(0, 5, PiiKind.Phone)])
        );
    }

    [Fact]
    public void the_order_the_detectors_report_in_does_not_change_the_outcome()
    {
        PiiSpan[] spans =
        [
            new(0, 4, PiiKind.Card),
            new(3, 10, PiiKind.Phone),
            new(5, 10, PiiKind.Email),
            new(14, 3, PiiKind.Ip),
            new(30, 9, PiiKind.Ssn),
        ];
        var expected = SpanSelection.Resolve([.. spans]);

        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var shuffled = spans.ToArray();
            random.Shuffle(shuffled);
            Assert.Equal(expected, SpanSelection.Resolve([.. shuffled]));
        }
        Assert.Equal([new(3, 10, PiiKind.Phone), new(14, 3, PiiKind.Ip), new(30, 9, PiiKind.Ssn)], expected);
    }
}
