using System.Text.Json;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using TradeFillProducer;
using Xunit;

namespace PitPlatform.Sdk.Tests.Samples;

/// <summary>The sample and the README quickstart run against the local host and their fills become NAV.</summary>
public sealed class trade_fill_producer_sample(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_sample_delivers_every_fill_and_each_cell_gets_nav()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var output = new StringWriter();

        var exit = await FillProducer.RunAsync(
            pipeline.Host.BaseAddress,
            pipeline.Host.DevKey.ToString(),
            200,
            output,
            Ct
        );

        Assert.True(exit == 0, output.ToString());
        Assert.Contains("delivered 200, rejected 0, dropped 0", output.ToString());
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"),
            n => n == 200,
            TimeSpan.FromSeconds(60),
            "200 fills processed"
        );
        foreach (var cell in new[] { "0001", "0002", "0003", "0004" })
        {
            // NAV points reach the query API through the analytics consumer, a moment after the processor.
            await Eventually.WaitForAsync(
                () => pipeline.Http.GetStringAsync($"/v1/series/desk/nav?cell={cell}", Ct),
                json => JsonDocument.Parse(json).RootElement.GetProperty("data").GetArrayLength() > 0,
                TimeSpan.FromSeconds(30),
                $"NAV of cell {cell}"
            );
        }
    }

    [Fact]
    public async Task the_readme_quickstart_runs_as_written()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        Assert.Equal("Accepted", await Quickstart.RunAsync(pipeline.Host.BaseAddress, pipeline.Host.DevKey.ToString()));

        var source = File.ReadAllText(Path.Combine(Repository.Root, "sdk/samples/TradeFillProducer/Quickstart.cs"));
        var begin = source.IndexOf("// quickstart:begin", StringComparison.Ordinal);
        var end = source.IndexOf("        // quickstart:end", StringComparison.Ordinal);
        var snippet = string.Join(
                '\n',
                source[(source.IndexOf('\n', begin) + 1)..end]
                    .Split('\n')
                    .Select(l => l.Length >= 8 ? l[8..] : l.TrimStart())
            )
            .TrimEnd();
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "sdk/PitPlatform.Sdk/README.md"))
            .Replace("\r\n", "\n");
        Assert.Contains(snippet, readme);
    }
}
