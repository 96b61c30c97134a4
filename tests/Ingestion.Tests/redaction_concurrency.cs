using System.Text;
using System.Text.RegularExpressions;
using PitPlatform.Ingestion.Redaction;
using PitPlatform.Ingestion.Redaction.Detection;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// One redactor serves every thread with the same answers, handles a 1 MB text, and fails closed on a timeout.
/// </summary>
public sealed class redaction_concurrency
{
    private static readonly PiiRedactor Redactor = new();
    private static readonly TenantRedactionKeys Keys = new("throwaway test secret, 32+ bytes long");

    private static readonly RedactionPolicy[] Policies =
    [
        RedactionPolicy.Default,
        RedactionPolicy.Uniform(RedactionMode.Mask),
        RedactionPolicy.Uniform(RedactionMode.Hash, Keys.KeyFor("acme")),
        RedactionPolicy.Uniform(RedactionMode.Hash, Keys.KeyFor("globex")),
        RedactionPolicy.Uniform(RedactionMode.Remove),
    ];

    private static string Mixed(int i)
    {
        var positive = redaction_corpus.Positives[i % redaction_corpus.Positives.Length].Text;
        var negative = redaction_corpus.Negatives[i * 7 % redaction_corpus.Negatives.Length];
        return $"{positive}; {negative}; case {i}";
    }

    [Fact]
    public void parallel_redaction_of_10k_texts_gives_the_sequential_results()
    {
        const int n = 10_000;
        var sequential = new RedactionResult[n];
        for (var i = 0; i < n; i++)
            sequential[i] = Redactor.Redact(Mixed(i), Policies[i % Policies.Length]);

        var parallel = new RedactionResult[n];
        Parallel.For(0, n, i => parallel[i] = Redactor.Redact(Mixed(i), Policies[i % Policies.Length]));

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(sequential[i].Text, parallel[i].Text);
            Assert.Equal(sequential[i].Counts, parallel[i].Counts);
        }
        Assert.Equal(n, sequential.Sum(r => r.Total));
    }

    [Fact]
    public void a_one_megabyte_text_is_redacted_like_its_parts()
    {
        var block = new StringBuilder();
        foreach (var (text, _, _) in redaction_corpus.Positives)
            block.Append(text).Append('\n');
        foreach (var text in redaction_corpus.Negatives)
            block.Append(text).Append('\n');
        var part = block.ToString();
        var repeats = (1 << 20) / part.Length + 1;
        var large = string.Concat(Enumerable.Repeat(part, repeats));

        var whole = Redactor.Redact(large, RedactionPolicy.Default);
        var one = Redactor.Redact(part, RedactionPolicy.Default);

        Assert.True(large.Length >= 1 << 20);
        Assert.False(whole.ScanIncomplete);
        Assert.Equal(string.Concat(Enumerable.Repeat(one.Text, repeats)), whole.Text);
        Assert.Equal(redaction_corpus.Positives.Length * repeats, whole.Total);
        Assert.DoesNotContain("john.doe@example.com", whole.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void a_text_that_cannot_be_scanned_in_time_is_replaced_whole()
    {
        var redactor = new PiiRedactor([new SlowDetector()]);

        var result = redactor.Redact("john@example.com and more", RedactionPolicy.Default);

        Assert.True(result.ScanIncomplete);
        Assert.Equal(RedactionResult.UnscannedText, result.Text);
    }

    private sealed class SlowDetector : PiiDetector
    {
        public override PiiKind Kind => PiiKind.Email;

        public override void Find(string text, List<PiiSpan> spans) =>
            throw new RegexMatchTimeoutException(text, "pattern", TimeSpan.FromMilliseconds(RegexBudget.Milliseconds));
    }
}
