using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Queueing;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Schema;
using PitPlatform.Sdk.Transport;

namespace PitPlatform.Sdk;

/// <summary>
/// Sends events to PIT Platform's ingestion API (<c>POST /v1/events</c>). Thread-safe; make one per process and
/// dispose it at shutdown.
/// <list type="bullet">
/// <item><see cref="Track"/>: fire and forget. Never blocks (unless <see cref="QueueOverflowPolicy.WaitWithTimeout"/>
/// is chosen), never throws; events are batched and sent in the background, retried until delivered.</item>
/// <item><see cref="SendAsync"/>: awaited delivery with a result per event.</item>
/// </list>
/// Every event is validated client-side against the embedded EVENT_SCHEMA.json first.
/// </summary>
public class PitIngestionClient : IAsyncDisposable, IDisposable
{
    /// <summary>The ingestion API version this SDK speaks (sent as the <c>Pit-Api-Version</c> header).</summary>
    public const string ApiVersion = "v1";

    /// <summary>
    /// This SDK's SemVer version (sent as <c>Pit-Sdk-Version</c>; compared with the server's <c>min_supported_sdk</c>).
    /// </summary>
    public static string SdkVersion { get; } = ReadSdkVersion();

    /// <summary>
    /// The source of this SDK's activities (<c>PitPlatform.Sdk</c>): one client span per HTTP attempt.
    /// </summary>
    public static ActivitySource ActivitySource { get; } = new("PitPlatform.Sdk", SdkVersion);

    private readonly PitIngestionClientOptions _options = null!;
    private readonly EventRing<PitEvent> _ring = null!;
    private readonly ClientState _state = new();
    private readonly HttpClient _http = null!;
    private readonly EventDelivery _delivery = null!;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> _flushes = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _pump = Task.CompletedTask;
    private readonly Meter? _meter;
    private int _wakePending;
    private int _closed;
    private volatile bool _stopping;

    /// <summary>For mocking only.</summary>
    protected PitIngestionClient() { }

    /// <summary>A client with default options.</summary>
    /// <param name="endpoint">The API's base address, for example <c>http://127.0.0.1:7071</c>.</param>
    /// <param name="apiKey">An API key with the ingest scope (<c>pit_...</c>). Read it from configuration, never from
    /// code.</param>
    public PitIngestionClient(Uri endpoint, string apiKey)
        : this(endpoint, apiKey, new PitIngestionClientOptions()) { }

    /// <summary>A client with the given options.</summary>
    /// <param name="endpoint">The API's base address.</param>
    /// <param name="apiKey">An API key with the ingest scope.</param>
    /// <param name="options">Queue, batching, retry and transport settings.</param>
    public PitIngestionClient(Uri endpoint, string apiKey, PitIngestionClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Endpoint = endpoint;
        _ring = new EventRing<PitEvent>(options.MaxQueueSize);
        _http = options.Transport is { } transport
            ? new HttpClient(transport, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient(
                new SocketsHttpHandler
                {
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    MaxConnectionsPerServer = options.MaxConcurrentSends + 4,
                }
            )
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
        var events = new Uri(endpoint, "/v1/events");
        _delivery = new EventDelivery(new IngestTransport(_http, events, apiKey, options), options, _state);
        _meter = CreateMeter();
        _pump = Task
            .Factory.StartNew(PumpAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .Unwrap();
    }

    /// <summary>The API's base address.</summary>
    public virtual Uri Endpoint { get; } = null!;

    /// <summary>The queue itself, for benchmarks that measure Track without the sender.</summary>
    internal EventRing<PitEvent> Queue => _ring;

    /// <summary>
    /// Whether the server still accepts this SDK version (false once it announced a higher <c>min_supported_sdk</c>).
    /// </summary>
    public virtual bool IsSdkSupported => _state.UnsupportedBecause is null;

    /// <summary>
    /// Queues <paramref name="pitEvent"/> for background delivery. Never throws and, under the default
    /// <see cref="QueueOverflowPolicy.DropOldest"/>, never blocks: it costs a few atomic operations and allocates
    /// nothing.
    /// </summary>
    /// <param name="pitEvent">The event; it must not change afterwards.</param>
    /// <returns>False when the event was not queued (null, client disposed, or dropped under
    /// <see cref="QueueOverflowPolicy.WaitWithTimeout"/>).</returns>
    public virtual bool Track(PitEvent pitEvent)
    {
        if (pitEvent is null || Volatile.Read(ref _closed) != 0)
            return false;
        if (!_ring.TryEnqueue(pitEvent) && !EnqueueOnOverflow(pitEvent))
            return false;
        // Wake the sender only when a full batch is waiting; the interval timer covers the rest.
        if (_ring.Count >= _options.MaxBatchEvents && Volatile.Read(ref _wakePending) == 0)
            Wake();
        return true;
    }

    /// <summary>
    /// Sends <paramref name="events"/> now (in batches of <see cref="PitIngestionClientOptions.MaxBatchEvents"/>) and
    /// returns one result per event, in order. Events that break the schema are rejected without being sent.
    /// Transient failures are retried up to <see cref="PitIngestionClientOptions.MaxRetries"/> times.
    /// </summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels waiting (an event already sent may still be stored).</param>
    /// <returns>The per-event results.</returns>
    /// <exception cref="PitIngestionException">A request failed as a whole (401, 403, 413, retries exhausted, SDK
    /// unsupported).</exception>
    public virtual async Task<PitSendResult> SendAsync(
        IEnumerable<PitEvent> events,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        var list = events as IReadOnlyList<PitEvent> ?? events.ToList();
        var results = new PitEventResult[list.Count];
        var encoder = new EventEncoder(EventSchemaValidator.Embedded);
        var batch = new List<EncodedEvent>();
        var indices = new List<int>();
        var bytes = 0;
        for (var i = 0; i <= list.Count; i++)
        {
            EncodedEvent? encoded = null;
            if (i < list.Count)
            {
                ArgumentNullException.ThrowIfNull(list[i], nameof(events));
                encoded = encoder.Encode(list[i], "", out var errors);
                if (encoded is null)
                {
                    results[i] = new PitEventResult(list[i].EventId, PitEventStatus.Rejected, errors![0]);
                    Interlocked.Increment(ref _state.Rejected);
                    continue;
                }
            }
            if (
                batch.Count > 0
                && (
                    encoded is null
                    || batch.Count == _options.MaxBatchEvents
                    || bytes + encoded.Json.Length + 1 > _options.MaxBatchBytes
                )
            )
            {
                var answered = await _delivery
                    .DeliverAsync(batch, _options.MaxRetries, minimal: false, cancellationToken)
                    .ConfigureAwait(false);
                for (var j = 0; j < answered.Length; j++)
                    results[indices[j]] = answered[j]!; // every event is listed when minimal is not asked for
                Count(answered);
                batch.Clear();
                indices.Clear();
                bytes = 0;
            }
            if (encoded is null)
                continue;
            batch.Add(encoded);
            indices.Add(i);
            bytes += encoded.Json.Length + 1;
        }
        return new PitSendResult(results);
    }

    /// <summary>The synchronous form of <see cref="SendAsync"/>, for callers that cannot await.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The per-event results.</returns>
    public virtual PitSendResult Send(IEnumerable<PitEvent> events, CancellationToken cancellationToken = default) =>
        // On the thread pool, so a caller's synchronization context cannot deadlock the continuations.
        Task.Run(() => SendAsync(events, cancellationToken), cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Completes when every event tracked before the call was delivered or rejected. Cancelling stops waiting; the
    /// events stay queued.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the queue was drained.</returns>
    public virtual async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_pump.IsCompleted)
            return;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes.Enqueue(done);
        Wake();
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The synchronous form of <see cref="FlushAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    public virtual void Flush(CancellationToken cancellationToken = default) =>
        Task.Run(() => FlushAsync(cancellationToken), cancellationToken).GetAwaiter().GetResult();

    /// <summary>The client's counters now.</summary>
    /// <returns>A snapshot.</returns>
    public virtual PitIngestionCounters GetCounters() =>
        new(
            _ring.Enqueued,
            Interlocked.Read(ref _state.Dropped),
            Interlocked.Read(ref _state.Delivered),
            Interlocked.Read(ref _state.Rejected),
            Interlocked.Read(ref _state.Retries),
            _ring.Count
        );

    /// <summary>
    /// Stops taking events, delivers what is queued within <see cref="PitIngestionClientOptions.DisposeTimeout"/>, then
    /// gives up on the rest (counted as dropped and reported as <see cref="PitEventError.NotDelivered"/>).
    /// </summary>
    /// <returns>A task that completes when the client stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        Dispose(disposing: false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The synchronous form of <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Flushes within the deadline and stops the background sender.</summary>
    /// <returns>A task that completes when the client stopped.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0 || _http is null)
            return;
        using (var deadline = new CancellationTokenSource(_options.DisposeTimeout))
        {
            try
            {
                await FlushAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The deadline passed: what is still queued or in flight is given up below, counted and reported.
            }
        }
        _stopping = true;
        await _shutdown.CancelAsync().ConfigureAwait(false);
        Wake();
        await _pump.ConfigureAwait(false);
        while (_ring.TryDequeue(out var left))
            GiveUp(left!);
        _http.Dispose();
        _meter?.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Releases resources; the synchronous path blocks on <see cref="DisposeAsyncCore"/>.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            Task.Run(() => DisposeAsyncCore().AsTask()).GetAwaiter().GetResult();
    }

    private bool EnqueueOnOverflow(PitEvent pitEvent)
    {
        if (_options.OverflowPolicy == QueueOverflowPolicy.DropOldest)
        {
            while (true)
            {
                if (_ring.TryDequeue(out _))
                    Interlocked.Increment(ref _state.Dropped);
                if (_ring.TryEnqueue(pitEvent))
                    return true;
            }
        }
        var deadline =
            Stopwatch.GetTimestamp() + (long)(_options.OverflowWaitTimeout.TotalSeconds * Stopwatch.Frequency);
        var spin = new SpinWait();
        Wake();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            spin.SpinOnce();
            if (_ring.TryEnqueue(pitEvent))
                return true;
        }
        Interlocked.Increment(ref _state.Dropped);
        return false;
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
            _wake.Release();
    }

    /// <summary>
    /// The background sender: wakes on a full batch, a flush or the interval; drains the queue into batches and hands
    /// each to a delivery task (at most <see cref="PitIngestionClientOptions.MaxConcurrentSends"/> at once).
    /// </summary>
    private async Task PumpAsync()
    {
        var encoder = new EventEncoder(EventSchemaValidator.Embedded);
        var inFlight = new List<Task>();
        EncodedEvent? carry = null;
        var lastFullDrain = Stopwatch.GetTimestamp();
        while (true)
        {
            var sinceDrain = Stopwatch.GetElapsedTime(lastFullDrain);
            if (sinceDrain < _options.FlushInterval)
                await _wake.WaitAsync(_options.FlushInterval - sinceDrain).ConfigureAwait(false);
            Volatile.Write(ref _wakePending, 0);
            var flushes = new List<TaskCompletionSource>();
            while (_flushes.TryDequeue(out var flush))
                flushes.Add(flush);
            var stopping = _stopping;
            var drainAll =
                flushes.Count > 0 || stopping || Stopwatch.GetElapsedTime(lastFullDrain) >= _options.FlushInterval;
            if (drainAll)
                lastFullDrain = Stopwatch.GetTimestamp();
            try
            {
                while (!stopping && (drainAll || _ring.Count >= _options.MaxBatchEvents))
                {
                    var batch = Drain(encoder, ref carry, drainAll);
                    if (batch.Count == 0)
                        break;
                    inFlight.RemoveAll(t => t.IsCompleted);
                    if (inFlight.Count >= _options.MaxConcurrentSends)
                        await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Add(DeliverInBackgroundAsync(batch));
                }
            }
            // The sender must outlive any bug in one round: a dead sender would silently stop all delivery.
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
                encoder = new EventEncoder(EventSchemaValidator.Embedded);
            }
            if (flushes.Count > 0 || stopping)
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
                inFlight.Clear();
                foreach (var flush in flushes)
                    flush.TrySetResult();
            }
            if (stopping)
            {
                if (carry is not null)
                    GiveUp(carry.Event);
                while (_flushes.TryDequeue(out var late))
                    late.TrySetResult();
                return;
            }
        }
    }

    /// <summary>
    /// Takes up to a batch (by count and bytes) off the queue, written and validated; invalid events are reported.
    /// </summary>
    private List<EncodedEvent> Drain(EventEncoder encoder, ref EncodedEvent? carry, bool takePartial)
    {
        var batch = new List<EncodedEvent>(Math.Min(_options.MaxBatchEvents, Math.Max(_ring.Count + 1, 16)));
        var bytes = 0;
        if (carry is not null)
        {
            batch.Add(carry);
            bytes = carry.Json.Length + 1;
            carry = null;
        }
        while (
            batch.Count < _options.MaxBatchEvents && (takePartial || _ring.Count > 0) && _ring.TryDequeue(out var next)
        )
        {
            var encoded = encoder.Encode(next!, "", out var errors);
            if (encoded is null)
            {
                Reject(next!, errors![0]);
                continue;
            }
            if (bytes + encoded.Json.Length + 1 > _options.MaxBatchBytes && batch.Count > 0)
            {
                carry = encoded; // starts the next batch
                break;
            }
            batch.Add(encoded);
            bytes += encoded.Json.Length + 1;
        }
        return batch;
    }

    private async Task DeliverInBackgroundAsync(List<EncodedEvent> batch)
    {
        try
        {
            // Only rejections are reported per event here, so the server needs to list nothing else.
            var results = await _delivery
                .DeliverAsync(batch, int.MaxValue, minimal: true, _shutdown.Token)
                .ConfigureAwait(false);
            Count(results, batch);
        }
        catch (PitIngestionException e) when (!e.IsTransient)
        {
            var error = new PitEventError(e.ErrorCode ?? $"HTTP_{e.Status}", e.Message, null);
            foreach (var encoded in batch)
                Reject(encoded.Event, error);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            foreach (var encoded in batch)
                GiveUp(encoded.Event);
        }
        catch (Exception e)
        {
            // A bug must not stop the background sender; the batch is reported rather than lost silently.
            var error = new PitEventError(
                PitEventError.NotDelivered,
                $"the SDK failed to send the event: {e.Message}",
                null
            );
            foreach (var encoded in batch)
                Reject(encoded.Event, error);
        }
    }

    /// <summary>Counts each result; a null result is an event stored without a per-event answer.</summary>
    private void Count(PitEventResult?[] results, List<EncodedEvent>? batch = null)
    {
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is not { Status: PitEventStatus.Rejected })
                Interlocked.Increment(ref _state.Delivered);
            else if (batch is not null)
                Reject(batch[i].Event, results[i]!.Error!);
            else
                Interlocked.Increment(ref _state.Rejected);
        }
    }

    private void Reject(PitEvent pitEvent, PitEventError error)
    {
        Interlocked.Increment(ref _state.Rejected);
        Notify(pitEvent, error);
    }

    private void GiveUp(PitEvent pitEvent)
    {
        Interlocked.Increment(ref _state.Dropped);
        Notify(
            pitEvent,
            new PitEventError(
                PitEventError.NotDelivered,
                "the client was disposed before the event could be delivered",
                null
            )
        );
    }

    private void Notify(PitEvent pitEvent, PitEventError error)
    {
        try
        {
            _options.OnRejected?.Invoke(new PitRejectedEvent(pitEvent, error));
        }
#pragma warning disable CA1031 // The application's callback must not be able to stop delivery.
        catch (Exception)
#pragma warning restore CA1031
        { }
    }

    private Meter CreateMeter()
    {
        var meter = new Meter("PitPlatform.Sdk", SdkVersion);
        meter.CreateObservableCounter(
            "pit.sdk.events.tracked",
            () => _ring.Enqueued,
            "{event}",
            "Events taken by Track"
        );
        meter.CreateObservableCounter(
            "pit.sdk.events.dropped",
            () => Interlocked.Read(ref _state.Dropped),
            "{event}",
            "Events lost to queue overflow or disposal"
        );
        meter.CreateObservableCounter(
            "pit.sdk.events.delivered",
            () => Interlocked.Read(ref _state.Delivered),
            "{event}",
            "Events the server stored"
        );
        meter.CreateObservableCounter(
            "pit.sdk.events.rejected",
            () => Interlocked.Read(ref _state.Rejected),
            "{event}",
            "Events refused"
        );
        meter.CreateObservableCounter(
            "pit.sdk.retries",
            () => Interlocked.Read(ref _state.Retries),
            "{request}",
            "Requests repeated after a transient failure"
        );
        meter.CreateObservableGauge(
            "pit.sdk.queue.length",
            () => _ring.Count,
            "{event}",
            "Events waiting in the queue"
        );
        return meter;
    }

    private static string ReadSdkVersion()
    {
        var informational = typeof(PitIngestionClient)
            .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion
            ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? informational[..plus] : informational;
    }
}
