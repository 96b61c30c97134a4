using PitPlatform.Hosting;
using PitPlatform.LocalHost;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Console.Tests;

/// <summary>
/// The local host with its consumers, an OpenID Connect provider it trusts, and the console built from web/ (built
/// here when web/dist is missing; `./pit test` builds it before the tests) served at /.
/// </summary>
internal sealed class ConsoleHost(OidcProviderServer provider, TestPipeline pipeline) : IAsyncDisposable
{
    public OidcProviderServer Provider { get; } = provider;
    public TestPipeline Pipeline { get; } = pipeline;
    public Uri BaseAddress => Pipeline.Host.BaseAddress;

    public static string Root =>
        RepositoryRoot.Find() ?? throw new InvalidOperationException("the repository root was not found");
    public static string ConsoleDirectory => Path.Combine(Root, "web", "dist");

    public static async Task<ConsoleHost> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        CancellationToken cancellationToken
    )
    {
        await EnsureBuiltAsync();
        var provider = await OidcProviderServer.StartAsync(cancellationToken: cancellationToken);
        try
        {
            var pipeline = await TestPipeline.StartAsync(
                await postgres.CreateDatabaseAsync(migrate: false),
                kafka,
                blob,
                runConsumers: true,
                new Dictionary<string, string?>
                {
                    [SettingNames.OidcAuthority] = provider.Issuer.ToString(),
                    [SettingNames.OidcAudience] = provider.Audience,
                    [ConsoleFiles.DirectorySetting] = ConsoleDirectory,
                }
            );
            return new ConsoleHost(provider, pipeline);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    private static async Task EnsureBuiltAsync()
    {
        if (File.Exists(Path.Combine(ConsoleDirectory, "index.html")))
            return;
        var (exit, output) = await ChildProcess.RunAsync(
            "npm",
            ["run", "--silent", "build"],
            Path.Combine(Root, "web"),
            new Dictionary<string, string>(),
            TimeSpan.FromMinutes(3)
        );
        Assert.True(exit == 0, "building the console (npm run build in web/) failed:\n" + output);
    }

    public async ValueTask DisposeAsync()
    {
        await Pipeline.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
