using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Console.Tests;

/// <summary>
/// The seed's smoke flow in a real browser (web/e2e/smoke.mjs, playwright-core driving Debian's Chromium): an operator
/// signs in through the provider (code + PKCE) and creates a project; with its admin key, people and an ingest key;
/// events are ingested and found on the NAV chart; ada requests a deletion she cannot approve herself, abe approves it,
/// and the audit trail shows both with its chain intact. axe-core checks every screen visited; screenshots are kept
/// in .pit/artifacts/console.
/// </summary>
public sealed class console_in_chromium(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    /// <summary>
    /// PIT_CHROMIUM, else Debian's Chromium, else Google Chrome (GitHub's Ubuntu runners have it, not Chromium).
    /// </summary>
    private static string Chromium =>
        Environment.GetEnvironmentVariable("PIT_CHROMIUM") is { Length: > 0 } configured
            ? configured
            : new[] { "/usr/bin/chromium", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
                ?? "/usr/bin/chromium";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_smoke_flow_passes_with_no_serious_accessibility_violation()
    {
        Assert.True(
            File.Exists(Chromium),
            $"{Chromium} is missing: `apt-get install chromium` (./pit test installs it) or set PIT_CHROMIUM"
        );
        await using var host = await ConsoleHost.StartAsync(postgres, kafka, blob, Ct);
        var artifacts = Path.Combine(ConsoleHost.Root, ".pit", "artifacts", "console");

        var (exit, output) = await ChildProcess.RunAsync(
            "node",
            [Path.Combine("web", "e2e", "smoke.mjs")],
            ConsoleHost.Root,
            new Dictionary<string, string>
            {
                ["PIT_URL"] = host.BaseAddress.ToString(),
                ["PIT_ARTIFACTS"] = artifacts,
                ["PIT_CHROMIUM"] = Chromium,
            },
            TimeSpan.FromMinutes(5)
        );

        Assert.True(exit == 0, "the smoke flow failed:\n" + output);
        Assert.Contains("abe-approver approved it", output, StringComparison.Ordinal);
        foreach (
            var screen in new[]
            {
                "projects",
                "members",
                "keys",
                "usage",
                "settings",
                "nav",
                "approvals-pending",
                "audit",
                "sign-in",
            }
        )
            Assert.True(File.Exists(Path.Combine(artifacts, screen + ".png")), $"no screenshot of {screen}");
    }
}
