using System.Diagnostics;
using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Transport;

/// <summary>
/// Delivers one batch: sends it, resends after transient failures (backoff with full jitter, Retry-After honoured),
/// and resends only the events the server could not store (per-event ERR_UNAVAILABLE) when the rest were stored.
/// Every resend carries the same event ids, so nothing is applied twice downstream.
/// </summary>
internal sealed class EventDelivery(IngestTransport transport, PitIngestionClientOptions options, ClientState state)
{
    private const string Unavailable = "ERR_UNAVAILABLE";

    /// <summary>
    /// One result per event, in order. Throws <see cref="PitIngestionException"/> when the request as a whole fails for
    /// good. With <paramref name="minimal"/>, an event the server stored without listing it has a null result.
    /// </summary>
    /// <param name="events">The batch, at most one request's worth.</param>
    /// <param name="maxRetries">Retries after transient failures; <see cref="int.MaxValue"/> retries until
    /// cancelled.</param>
    /// <param name="minimal">Whether the caller needs no per-event answer for stored events (the background
    /// sender, which only counts them): the server is asked for the counts alone.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    public async Task<PitEventResult?[]> DeliverAsync(
        IReadOnlyList<EncodedEvent> events,
        int maxRetries,
        bool minimal,
        CancellationToken cancellationToken
    )
    {
        var results = new PitEventResult?[events.Count];
        var pending = Enumerable.Range(0, events.Count).ToList();
        for (var attempt = 0; ; attempt++)
        {
            ThrowIfUnsupported();
            var batch = pending.Select(i => events[i]).ToList();
            var outcome = await transport
                .SendAsync(RequestBody.Build(batch, options.EnableGzip), batch.Count, minimal, cancellationToken)
                .ConfigureAwait(false);
            Observe(outcome);
            if (outcome.AllStored)
                return results; // the pending events stored, unlisted: their results stay null
            if (outcome.Results is { } answered)
            {
                var again = new List<int>();
                for (var j = 0; j < answered.Length; j++)
                {
                    var result = answered[j];
                    if (result.Error?.Code == Unavailable)
                        again.Add(pending[j]);
                    else
                        results[pending[j]] = result with
                        {
                            EventId = events[pending[j]].Event.EventId,
                            Error = Repoint(result.Error, j),
                        };
                }
                if (again.Count == 0)
                    return results;
                if (attempt >= maxRetries)
                {
                    foreach (var i in again)
                        results[i] = new PitEventResult(
                            events[i].Event.EventId,
                            PitEventStatus.Rejected,
                            new PitEventError(
                                Unavailable,
                                "Kafka did not acknowledge the event after every retry; send it again later",
                                null
                            )
                        );
                    return results;
                }
                pending = again;
            }
            else if (!outcome.IsTransient || attempt >= maxRetries)
            {
                throw outcome.Failure!;
            }
            Interlocked.Increment(ref state.Retries);
            var delay = Backoff.Delay(attempt + 1, options.RetryDelay, options.MaxRetryDelay, outcome.RetryAfter);
            Activity.Current?.AddEvent(
                new ActivityEvent(
                    "pit.ingest.retry",
                    tags: new ActivityTagsCollection
                    {
                        ["pit.attempt"] = attempt + 1,
                        ["pit.delay_ms"] = (long)delay.TotalMilliseconds,
                    }
                )
            );
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Observe(AttemptOutcome outcome)
    {
        if (outcome.Status == 426)
            state.UnsupportedBecause ??= outcome.MinSupportedSdk ?? "a newer version";
        else if (outcome.MinSupportedSdk is { } minimum && SdkVersions.IsBelow(PitIngestionClient.SdkVersion, minimum))
            state.UnsupportedBecause ??= minimum;
    }

    private void ThrowIfUnsupported()
    {
        if (state.UnsupportedBecause is { } minimum)
            throw new PitIngestionException(
                $"the server no longer accepts PitPlatform.Sdk {PitIngestionClient.SdkVersion} "
                    + $"(min_supported_sdk {minimum}); upgrade the package",
                426,
                PitEventError.SdkUnsupported,
                isTransient: false
            );
    }

    /// <summary>
    /// The server's pointers are into the request it saw (<c>/data/j/...</c>); they are made relative to the event.
    /// </summary>
    private static PitEventError? Repoint(PitEventError? error, int index)
    {
        if (error?.Pointer is not { } pointer)
            return error;
        var prefix = $"/data/{index}";
        return
            pointer.StartsWith(prefix, StringComparison.Ordinal)
            && (pointer.Length == prefix.Length || pointer[prefix.Length] == '/')
            ? error with
            {
                Pointer = pointer[prefix.Length..],
            }
            : error;
    }
}
