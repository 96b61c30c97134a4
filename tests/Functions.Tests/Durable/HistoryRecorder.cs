using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.DurableTask.Protobuf;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// Sees every orchestrator work item the engine hands the worker and records how many history events its replay
/// reads (past and new events), by execution. Each ContinueAsNew starts a new execution: a generation with a fresh
/// history. The in-process engine cannot return a history to the client (GetOrchestrationHistoryAsync is not
/// implemented there), so the worker's own gRPC stream is where the size is seen.
/// </summary>
internal sealed class HistoryRecorder : Interceptor
{
    private readonly ConcurrentQueue<(string InstanceId, string ExecutionId, int Events)> _replays = new();

    /// <summary>
    /// The generations of one instance in the order they started, each with the events its replays read.
    /// </summary>
    public IReadOnlyList<Generation> Generations(string instanceId) =>
        [
            .. _replays
                .Where(r => r.InstanceId == instanceId)
                .GroupBy(r => r.ExecutionId)
                .Select(g => new Generation(g.Key, [.. g.Select(r => r.Events)])),
        ];

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation
    )
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new RecordingReader<TResponse>(call.ResponseStream, Record),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose
        );
    }

    private void Record(object message)
    {
        if (message is not WorkItem { OrchestratorRequest: { } request })
            return;
        // The generation is the one its history starts: the first episode after a ContinueAsNew still carries the
        // previous execution's id on the request.
        var started = request.PastEvents.Concat(request.NewEvents).FirstOrDefault(e => e.ExecutionStarted is not null);
        var execution = started?.ExecutionStarted.OrchestrationInstance?.ExecutionId ?? request.ExecutionId;
        _replays.Enqueue((request.InstanceId, execution, request.PastEvents.Count + request.NewEvents.Count));
    }

    private sealed class RecordingReader<T>(IAsyncStreamReader<T> inner, Action<object> record) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved && inner.Current is { } current)
                record(current);
            return moved;
        }
    }
}

/// <summary>One execution of an orchestration and the history size each of its replays read.</summary>
internal sealed record Generation(string ExecutionId, IReadOnlyList<int> Replays)
{
    public int LargestReplay => Replays.Max();
}
