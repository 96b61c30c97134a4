using PitPlatform.Ingestion.Redaction;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>Raw storage is opt-in per tenant: off by default, and when on the text is returned as it came.</summary>
public sealed class redaction_raw_storage
{
    private const string Text = "john@example.com, 123-45-6789, +44 20 7946 0958, 4111111111111111, 203.0.113.7";

    [Fact]
    public void with_raw_storage_on_the_text_comes_back_unchanged_and_nothing_is_counted()
    {
        var result = new PiiRedactor().Redact(
            Text,
            RedactionPolicy.Uniform(RedactionMode.Mask) with
            {
                StoreRaw = true,
            }
        );

        Assert.Same(Text, result.Text);
        Assert.Equal(0, result.Total);
        Assert.False(result.ScanIncomplete);
    }

    [Fact]
    public void with_raw_storage_off_the_same_text_loses_all_five_values() =>
        Assert.Equal(5, new PiiRedactor().Redact(Text, RedactionPolicy.Default).Total);
}
