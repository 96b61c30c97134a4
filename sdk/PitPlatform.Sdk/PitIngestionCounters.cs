namespace PitPlatform.Sdk;

/// <summary>A snapshot of a client's counters since it was created.</summary>
/// <param name="Tracked">Events taken by <see cref="PitIngestionClient.Track"/>.</param>
/// <param name="Dropped">Events lost to queue overflow or to disposal before delivery.</param>
/// <param name="Delivered">Events the server accepted (including duplicates).</param>
/// <param name="Rejected">Events refused, client-side or by the server.</param>
/// <param name="Retries">Request attempts repeated after a transient failure.</param>
/// <param name="Queued">Events waiting in the queue now.</param>
public readonly record struct PitIngestionCounters(
    long Tracked,
    long Dropped,
    long Delivered,
    long Rejected,
    long Retries,
    long Queued
);
