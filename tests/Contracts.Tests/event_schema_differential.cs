using System.Text.Json;
using PitPlatform.Contracts.Schema;
using Xunit;

namespace PitPlatform.Contracts.Tests;

/// <summary>
/// The compiled validator and NJsonSchema (a general-purpose draft-07 validator) must agree, event for event, on a
/// large generated corpus of valid and mutated events. The few places where ours is deliberately stricter are
/// tested in event_schema and event_schema_text. One is here too: NJsonSchema's JSON reader (Newtonsoft) turns an
/// unpaired surrogate escape into U+FFFD before it validates, so it cannot see what the free-text pattern refuses;
/// ours reads the escapes as written (as ECMAScript's JSON.parse does) and refuses every such event.
/// </summary>
public sealed class event_schema_differential
{
    [Fact]
    public async Task the_compiled_validator_agrees_with_njsonschema_on_a_generated_corpus()
    {
        var reference = await NJsonSchema.JsonSchema.FromJsonAsync(
            EventSchema.Embedded.Text,
            TestContext.Current.CancellationToken
        );
        var corpus = EventCorpus.Generate(seed: 20261122, validCount: 600).ToList();
        var disagreements = new List<string>();
        var (valid, invalid, referenceCrashes, unpaired) = (0, 0, 0, 0);

        foreach (var json in corpus)
        {
            var ours = EventSchema.Embedded.IsValid(JsonDocument.Parse(json).RootElement);
            if (ours)
                valid++;
            else
                invalid++;
            if (EventSchema.TextErrors(JsonDocument.Parse(json).RootElement).Count > 0)
            {
                unpaired++;
                if (ours)
                    disagreements.Add($"ours valid with an unpaired surrogate: {json}");
                continue;
            }
            bool theirs;
            try
            {
                theirs = reference.Validate(json).Count == 0;
            }
            catch (InvalidCastException)
            {
                // NJsonSchema 10.7.2 throws on integers beyond 64 bits; every such value is out of range for us.
                referenceCrashes++;
                if (ours)
                    disagreements.Add($"ours valid, NJsonSchema threw: {json}");
                continue;
            }
            if (ours != theirs)
                disagreements.Add(
                    $"ours {(ours ? "valid" : "invalid")}, NJsonSchema {(theirs ? "valid" : "invalid")}: {json}"
                );
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"corpus {corpus.Count}: {valid} valid, {invalid} invalid, NJsonSchema threw on "
                + $"{referenceCrashes}, {unpaired} with unpaired surrogates it cannot see"
        );
        Assert.True(corpus.Count > 5000, $"corpus of {corpus.Count}");
        Assert.True(valid > 600 && invalid > 3000, $"{valid} valid, {invalid} invalid");
        Assert.True(referenceCrashes < corpus.Count / 20, $"NJsonSchema threw on {referenceCrashes} events");
        Assert.True(unpaired > 0 && unpaired < corpus.Count / 4, $"{unpaired} events with unpaired surrogates");
        Assert.True(
            disagreements.Count == 0,
            $"{disagreements.Count} disagreements, first: " + string.Join("\n", disagreements.Take(5))
        );
    }
}
