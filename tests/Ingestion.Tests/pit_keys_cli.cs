using System.Diagnostics;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>./pit keys drives the admin API: create prints a working key once, list shows it, revoke ends it.</summary>
public sealed class pit_keys_cli(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task create_list_and_revoke_through_the_pit_script()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var created = await Pit(
            pipeline,
            "keys",
            "create",
            "--scopes",
            "ingest,read",
            "--name",
            "cli key",
            "--rate",
            "5",
            "--burst",
            "10"
        );
        var prefix = System
            .Text.Json.JsonDocument.Parse(created)
            .RootElement.GetProperty("data")
            .GetProperty("prefix")
            .GetString()!;
        var listed = await Pit(pipeline, "keys", "list");
        var revoked = await Pit(pipeline, "keys", "revoke", prefix);

        Assert.Contains("\"key\":\"pit_" + prefix + "_", created);
        Assert.Contains("\"rate_per_second\":5", created);
        Assert.Contains(prefix, listed);
        Assert.Contains("revoked " + prefix, revoked);
    }

    private static async Task<string> Pit(TestPipeline pipeline, params string[] arguments)
    {
        var root = PitPlatform.LocalHost.Embedded.RepositoryRoot.Find()!;
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        info.ArgumentList.Add(Path.Combine(root, "pit"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["PIT_URL"] = pipeline.Host.BaseAddress.ToString().TrimEnd('/');
        info.Environment["PIT_ADMIN_KEY"] = pipeline.Host.DevKey.ToString();
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"./pit {string.Join(' ', arguments)} failed: {error}{output}");
        return output;
    }
}
