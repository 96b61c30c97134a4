using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Approvals;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// The Functions app's deletion workflow without a Functions host: <see cref="DeletionOrchestrator"/> on DurableTask's
/// in-process engine with its real activities (<see cref="DeletionActivities"/> built as the worker builds it, from the
/// shared composition root), and the real HTTP functions called with an HttpContext, against the run's Postgres, Kafka
/// and Blob on a private schema, topic prefix and archive container. Alice (admin) requests, Bob (approver) decides.
/// </summary>
internal sealed class DeletionHost : IAsyncDisposable
{
    public const string Tenant = "demo";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ServiceProvider _services;
    private readonly DeletionActivities _activities;
    private readonly DeletionFunctions _functions;
    private readonly TimeSpan _maxWait;
    private readonly string _aliceKey;
    private readonly string _bobKey;
    private DurableTaskTestHost? _engine;
    private Func<Task>? _beforeExpiry;
    private Func<string, Task>? _afterRead;

    private DeletionHost(
        ServiceProvider services,
        TestDatabase database,
        KafkaSettings kafka,
        TimeSpan maxWait,
        string aliceKey,
        string bobKey
    )
    {
        _services = services;
        Database = database;
        Kafka = kafka;
        _maxWait = maxWait;
        _aliceKey = aliceKey;
        _bobKey = bobKey;
        // As the Functions worker activates function classes: constructor arguments from the container.
        _activities = ActivatorUtilities.CreateInstance<DeletionActivities>(services);
        _functions = ActivatorUtilities.CreateInstance<DeletionFunctions>(services);
    }

    public TestDatabase Database { get; }
    public KafkaSettings Kafka { get; }
    public IServiceProvider Services => _services;
    public DurableTaskClient Client => _engine!.Client;
    public HistoryRecorder History { get; } = new();

    /// <summary>
    /// Every RunDeletionStep call, in order: the step and whether it ran now (false: it was already done).
    /// </summary>
    public ConcurrentQueue<(string Step, bool Ran)> StepCalls { get; } = new();

    /// <summary>
    /// Runs after a step's real activity, before its result goes back to the engine (a test can throw here).
    /// </summary>
    public Func<DeletionStepInput, bool, Task>? AfterStep { get; set; }

    /// <summary>
    /// Runs once, before the next real ExpireOverdue activity (a test lands a concurrent decision there).
    /// </summary>
    public Func<Task>? BeforeNextExpiry
    {
        set => _beforeExpiry = value;
    }

    /// <summary>
    /// Runs once with the request id, after the next real ReadDeletion activity read it, before its result goes back.
    /// </summary>
    public Func<string, Task>? AfterNextRead
    {
        set => _afterRead = value;
    }

    /// <param name="maxWait">The orchestration's longest wait slice; the production one when null.</param>
    /// <param name="approvalExpiry">How long a request waits for a decision (PIT_APPROVAL_EXPIRY_HOURS, 72 h by
    /// default).</param>
    public static async Task<DeletionHost> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        TimeSpan? maxWait = null,
        TimeSpan? approvalExpiry = null
    )
    {
        var database = await postgres.CreateDatabaseAsync();
        var naming = await kafka.CreateCatalogTopicsAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(TestPipeline.ComponentSettings(database, kafka, naming, blob))
            .Build();
        var services = new ServiceCollection().AddLogging().AddPitPlatform(configuration);
        // A later registration wins: the expiry a test needs, as the setting would give it (which counts whole hours).
        if (approvalExpiry is { } expiry)
            services.AddSingleton(new GovernanceOptions { ApprovalExpiry = expiry });
        var provider = services.BuildServiceProvider();

        var keys = provider.GetRequiredService<ApiKeyStore>();
        var alice = await keys.CreateAsync(
            Tenant,
            [ApiKeyScope.Admin],
            "requester",
            "alice@demo.example",
            cancellationToken: Ct
        );
        var bob = await keys.CreateAsync(
            Tenant,
            [ApiKeyScope.Approver],
            "approver",
            "bob@demo.example",
            cancellationToken: Ct
        );
        var host = new DeletionHost(
            provider,
            database,
            kafka.Settings(naming),
            maxWait ?? DeletionOrchestrator.MaxWait,
            alice.ToString(),
            bob.ToString()
        );
        host._engine = await host.StartEngineAsync();
        return host;
    }

    /// <summary>
    /// Stops the engine and starts a new one on the same Postgres, Kafka and Blob. The in-process engine keeps its
    /// histories in memory, so the new one knows no instance: what it runs again starts from the first event.
    /// </summary>
    public async Task RestartEngineAsync()
    {
        await _engine!.DisposeAsync();
        _engine = await StartEngineAsync();
    }

    /// <summary>POST /v1/deletions as Alice; the function starts the orchestration. Returns the request id.</summary>
    public async Task<string> RequestAsync(object body)
    {
        var response = await CallAsync(HttpMethods.Post, _aliceKey, body, (request, token) =>
            _functions.Request(request, Client, token)
        );
        Assert.True(response.Status == StatusCodes.Status202Accepted, response.Body.ToString());
        return response.Body.GetProperty("data").GetProperty("id").GetString()!;
    }

    public Task<FunctionResponse> ApproveAsync(string id) =>
        CallAsync(HttpMethods.Post, _bobKey, null, (request, token) => _functions.Approve(request, id, Client, token));

    public Task<FunctionResponse> RejectAsync(string id) =>
        CallAsync(HttpMethods.Post, _bobKey, null, (request, token) => _functions.Reject(request, id, Client, token));

    /// <summary>GET /v1/deletions/{id} as Alice: the request's data as the API shows it.</summary>
    public async Task<JsonElement> GetAsync(string id) =>
        (
            await CallAsync(HttpMethods.Get, _aliceKey, null, (request, token) => _functions.Get(request, id, token))
        ).Body.GetProperty("data");

    /// <summary>
    /// Waits until a decision would wake the orchestration: its custom status names the event approve and reject raise.
    /// </summary>
    public async Task WaitingAsync(string id)
    {
        static bool Waiting(OrchestrationMetadata? instance) =>
            instance?.SerializedCustomStatus?.Contains("decision-", StringComparison.Ordinal) == true;
        var instance = await Eventually.WaitForAsync(
            () => Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
            instance => Waiting(instance) || instance?.IsCompleted == true,
            TimeSpan.FromSeconds(20),
            $"orchestration {id} waiting for a decision"
        );
        Assert.True(Waiting(instance), $"orchestration {id} is not waiting for a decision: {instance}");
    }

    /// <summary>The orchestration's result once it completed (a generation that continues as new has not).</summary>
    public async Task<string> OutcomeAsync(string id, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout);
        var instance = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);
        Assert.True(
            instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{instance.RuntimeStatus}: {instance.FailureDetails}"
        );
        return instance.ReadOutputAs<string>()!;
    }

    /// <summary>The request's state in Postgres, the source of truth.</summary>
    public Task<string> StateAsync(string id) =>
        Database.ScalarAsync<string>($"SELECT state FROM governance_requests WHERE id = '{id}'");

    /// <summary>The request's audit actions in chain order.</summary>
    public async Task<IReadOnlyList<string>> AuditAsync(string id)
    {
        var actions = new List<string>();
        await using var command = Database.DataSource.CreateCommand(
            "SELECT action FROM audit_entries WHERE target = $1 ORDER BY sequence"
        );
        command.Parameters.Add(new() { Value = $"deletion/{id}" });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            actions.Add(reader.GetString(0));
        return actions;
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
            await _engine.DisposeAsync();
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }

    private Task<DurableTaskTestHost> StartEngineAsync() =>
        DurableTaskTestHost.StartAsync(
            tasks =>
            {
                tasks.AddOrchestratorFunc<string, string>(nameof(DeletionOrchestrator), (context, _) =>
                    DeletionOrchestrator.RunAsync(context, _maxWait)
                );
                tasks.AddActivityFunc<string, DeletionStatus>(nameof(DeletionActivities.ReadDeletion), async (_, id) =>
                {
                    var status = await _activities.ReadDeletion(id, CancellationToken.None);
                    if (Interlocked.Exchange(ref _afterRead, null) is { } after)
                        await after(id);
                    return status;
                });
                tasks.AddActivityFunc<string, int>(nameof(DeletionActivities.ExpireOverdue), async (_, id) =>
                {
                    if (Interlocked.Exchange(ref _beforeExpiry, null) is { } before)
                        await before();
                    return await _activities.ExpireOverdue(id, CancellationToken.None);
                });
                tasks.AddActivityFunc<DeletionStepInput, bool>(
                    nameof(DeletionActivities.RunDeletionStep),
                    async (_, input) =>
                    {
                        var ran = await _activities.RunDeletionStep(input, CancellationToken.None);
                        StepCalls.Enqueue((input.Step, ran));
                        if (AfterStep is { } after)
                            await after(input, ran);
                        return ran;
                    }
                );
            },
            new DurableTaskTestHostOptions
            {
                // A free port rather than the engine's random pick: test classes run in parallel, each with engines of
                // its own.
                Port = FreePort(),
                ConfigureServices = services =>
                    services.ConfigureAll<GrpcDurableTaskWorkerOptions>(options => options.Interceptors.Add(History)),
            },
            Ct
        );

    /// <summary>
    /// Runs an HTTP function on a request with Bearer <paramref name="key"/> and an optional JSON body; returns its
    /// response.
    /// </summary>
    private async Task<FunctionResponse> CallAsync(
        string method,
        string key,
        object? body,
        Func<HttpRequest, CancellationToken, Task> function
    )
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Headers.Authorization = $"Bearer {key}";
        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }
        using var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        await function(context.Request, Ct);
        using var json = JsonDocument.Parse(responseBody.ToArray());
        return new FunctionResponse(context.Response.StatusCode, json.RootElement.Clone());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What an HTTP function answered.</summary>
internal sealed record FunctionResponse(int Status, JsonElement Body);
