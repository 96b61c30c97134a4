using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost.Embedded;

namespace PitPlatform.LocalHost;

/// <summary>
/// Resolves each endpoint: a configured one (PIT_KAFKA_BOOTSTRAP, PIT_POSTGRES, PIT_BLOB) is used as is; otherwise
/// the embedded default is started (mock Kafka cluster, private Postgres cluster, Azurite). Disposing stops what
/// was started here, and nothing else.
/// </summary>
public sealed class LocalEnvironment : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _started = [];
    private readonly Dictionary<string, string?> _embedded = new();
    private MockKafkaCluster? _kafka;
    private string? _publishedIn;

    public Dictionary<string, string?> Settings { get; } = new();
    public List<string> Banner { get; } = [];

    public static async Task<LocalEnvironment> StartAsync(
        LocalHostOptions options,
        IConfiguration configuration,
        CancellationToken cancellationToken
    )
    {
        var environment = new LocalEnvironment();
        try
        {
            await environment.ResolveAsync(options, configuration, cancellationToken).ConfigureAwait(false);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ResolveAsync(
        LocalHostOptions options,
        IConfiguration configuration,
        CancellationToken cancellationToken
    )
    {
        string? Setting(string name) =>
            options.Settings.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v
            : configuration[name] is { Length: > 0 } c ? c
            : null;
        Directory.CreateDirectory(options.StateDirectory);
        foreach (var (name, value) in options.Settings)
            Settings[name] = value;

        var kafka = Setting(SettingNames.KafkaBootstrap);
        if (kafka is null)
        {
            _kafka = MockKafkaCluster.Start(options.EmbeddedKafkaBrokers, options.EmbeddedKafkaRebalanceDelay);
            _kafka.CreateCatalogTopics(TopicCatalog.Embedded, new KafkaNaming(Setting(SettingNames.KafkaPrefix) ?? ""));
            Settings[SettingNames.KafkaBootstrap] = _embedded[SettingNames.KafkaBootstrap] = _kafka.BootstrapServers;
            _embedded[SettingNames.KafkaPrefix] = Setting(SettingNames.KafkaPrefix) ?? "";
            Banner.Add($"Kafka bootstrap servers: {_kafka.BootstrapServers} (embedded, in-memory, development only)");
        }
        else
            Banner.Add($"Kafka bootstrap servers: {kafka} (configured)");

        var postgres = Setting(SettingNames.Postgres);
        if (postgres is null)
        {
            var server = await PostgresServer
                .StartAsync(
                    Path.Combine(options.StateDirectory, "postgres"),
                    options.Fresh,
                    options.DurablePostgres,
                    cancellationToken
                )
                .ConfigureAwait(false);
            _started.Add(server);
            Settings[SettingNames.Postgres] = _embedded[SettingNames.Postgres] = server.ConnectionString;
            Banner.Add($"Postgres: {server.ConnectionString} (embedded, data in {server.DataDirectory})");
        }
        else
            Banner.Add($"Postgres: {Redacted(postgres)} (configured)");

        var blob = Setting(SettingNames.Blob);
        if (blob is null)
        {
            var azuriteDir = Path.Combine(options.StateDirectory, "azurite");
            if (options.Fresh && Directory.Exists(azuriteDir))
                Directory.Delete(azuriteDir, recursive: true);
            var azurite = await AzuriteServer.StartAsync(azuriteDir, cancellationToken).ConfigureAwait(false);
            _started.Add(azurite);
            Settings[SettingNames.Blob] = _embedded[SettingNames.Blob] = azurite.ConnectionString;
            Banner.Add($"Blob: {azurite.BlobEndpoint} (embedded Azurite, data in {azuriteDir})");
        }
        else
            Banner.Add("Blob: configured storage account");

        if (options.EmbeddedIdentityProvider && Setting(SettingNames.OidcAuthority) is null)
        {
            var provider = await OidcProviderServer
                .StartAsync(
                    Setting(SettingNames.OidcAudience),
                    Setting(SettingNames.OidcOperatorRole),
                    cancellationToken: cancellationToken
                )
                .ConfigureAwait(false);
            _started.Add(provider);
            Settings[SettingNames.OidcAuthority] = provider.Issuer.ToString();
            Settings[SettingNames.OidcAudience] = provider.Audience;
            Banner.AddRange(provider.Lines);
            Banner.Add(
                $"  sign in: authorization code with PKCE, client {OidcProviderServer.ClientId}, redirect "
                    + $"{OidcProviderServer.RedirectUri}, resource {provider.Audience};"
                    + " add people to a tenant with POST /v1/members"
            );
        }

        if (Setting(SettingNames.RedactionSecret) is null)
            Settings[SettingNames.RedactionSecret] = ReadOrCreate(
                Path.Combine(options.StateDirectory, "redaction-secret"),
                () => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            );
        if (Setting(SettingNames.ApiKeyPepper) is null)
            Settings[SettingNames.ApiKeyPepper] = ReadOrCreate(
                Path.Combine(options.StateDirectory, "api-key-pepper"),
                () => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            );

        if (_embedded.Count > 0)
        {
            Commands.PublishedEndpoints.Write(options.StateDirectory, _embedded);
            _publishedIn = options.StateDirectory;
        }
    }

    /// <summary>The embedded mock cluster, when Kafka is embedded (tests inject faults through it).</summary>
    public MockKafkaCluster? EmbeddedKafka => _kafka;

    public async ValueTask DisposeAsync()
    {
        if (_publishedIn is not null)
            Commands.PublishedEndpoints.Delete(_publishedIn);
        _publishedIn = null;
        for (var i = _started.Count - 1; i >= 0; i--)
            await _started[i].DisposeAsync().ConfigureAwait(false);
        _started.Clear();
        _kafka?.Dispose();
        _kafka = null;
    }

    /// <summary>Reads a small state file, creating it (readable by the owner only) on first use.</summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var value = create();
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return value;
    }

    private static string Redacted(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
            builder.Password = "***";
        return builder.ConnectionString;
    }
}
