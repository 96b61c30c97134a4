using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;

namespace PitPlatform.Testing;

/// <summary>
/// The local host started in-process against the run's real Postgres, Kafka and Blob, on a private schema and topic
/// prefix, listening on a free 127.0.0.1 port. Tests talk to it over real HTTP.
/// </summary>
public sealed class TestPipeline : IAsyncDisposable
{
    private readonly string _stateDirectory;

    private TestPipeline(
        PitLocalHost host,
        TestDatabase database,
        KafkaNaming naming,
        KafkaSettings kafka,
        string stateDirectory,
        IReadOnlyDictionary<string, string?> settings
    )
    {
        Settings = settings;
        Host = host;
        Database = database;
        Naming = naming;
        Kafka = kafka;
        _stateDirectory = stateDirectory;
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
    }

    public PitLocalHost Host { get; }
    public TestDatabase Database { get; }
    public KafkaNaming Naming { get; }
    public KafkaSettings Kafka { get; }
    public HttpClient Http { get; }

    /// <summary>The settings the host was started with (another host over the same components can take them).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<TestPipeline> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        bool runConsumers = true
    ) => await StartAsync(await postgres.CreateDatabaseAsync(migrate: false), kafka, blob, runConsumers);

    /// <summary>Starts against a database of the caller's (fault tests bring a server of their own to stop).</summary>
    /// <param name="logging">Runs after the host's logging configuration (to capture the lines it writes).</param>
    public static async Task<TestPipeline> StartAsync(
        TestDatabase database,
        KafkaFixture kafka,
        BlobFixture blob,
        bool runConsumers = true,
        IDictionary<string, string?>? settings = null,
        Action<ILoggingBuilder>? logging = null
    )
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        var state = Path.Combine(Path.GetTempPath(), "pit-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);
        var merged = ComponentSettings(database, kafka, naming, blob)
            .Concat(settings ?? new Dictionary<string, string?>())
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Last().Value);
        var host = await PitLocalHost.StartAsync(
            new LocalHostOptions
            {
                StateDirectory = state,
                HttpPort = 0,
                Settings = merged,
                Logging = logging,
            },
            runConsumers
        );
        return new TestPipeline(host, database, naming, kafka.Settings(naming), state, merged);
    }

    /// <summary>
    /// The settings that point a host at the run's components: the test's schema and topic prefix, an archive container
    /// of its own (archive chains are named by catalog topic, so hosts sharing one Azurite each need one) and fresh
    /// secrets.
    /// </summary>
    public static Dictionary<string, string?> ComponentSettings(
        TestDatabase database,
        KafkaFixture kafka,
        KafkaNaming naming,
        BlobFixture blob
    ) =>
        new()
        {
            [SettingNames.Postgres] = database.ConnectionString,
            [SettingNames.KafkaBootstrap] = kafka.BootstrapServers,
            [SettingNames.KafkaPrefix] = naming.Prefix,
            [SettingNames.Blob] = blob.ConnectionString,
            [SettingNames.ArchiveContainer] = "archive-" + Guid.NewGuid().ToString("N")[..20],
            [SettingNames.ApiKeyPepper] = "test-pepper-" + Guid.NewGuid().ToString("N"),
            [SettingNames.RedactionSecret] = "test-redaction-secret-" + Guid.NewGuid().ToString("N"),
        };

    public T Service<T>()
        where T : notnull => (T)Host.Services.GetService(typeof(T))!;

    public Task<HttpResponseMessage> PostEventsAsync(string json, CancellationToken cancellationToken = default) =>
        Http.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(_stateDirectory))
            Directory.Delete(_stateDirectory, recursive: true);
    }
}
