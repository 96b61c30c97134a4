using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace PitPlatform.Ingestion.Refusals;

/// <summary>
/// Counts refused events per tenant, UTC day and error code in memory, on the hot path only an interlocked add, and
/// adds them to ingest_refusals_daily in one multi-row upsert per flush (ADR 0020). A failed flush puts its counts
/// back for the next one.
/// </summary>
public sealed class IngestRefusalCounter(NpgsqlDataSource database, TimeProvider time)
{
    private readonly ConcurrentDictionary<RefusalKey, StrongBox<long>> _counts = new();

    public void Add(string tenant, string code, long events = 1)
    {
        if (events <= 0)
            return;
        var key = new RefusalKey(tenant, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), code);
        Interlocked.Add(ref _counts.GetOrAdd(key, _ => new StrongBox<long>()).Value, events);
    }

    /// <summary>Each rejected event of an answered batch under its own code.</summary>
    public void AddRejected(string tenant, IngestResponse response)
    {
        if (response.Meta.Rejected == 0)
            return;
        foreach (var result in response.Data)
        {
            if (result is { Status: IngestResult.Rejected, Error: { } error })
                Add(tenant, error.Code);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var taken = new List<(RefusalKey Key, long Events)>();
        foreach (var (key, box) in _counts)
        {
            var events = Interlocked.Exchange(ref box.Value, 0);
            if (events > 0)
                taken.Add((key, events));
            if (key.Day < today)
                _counts.TryRemove(key, out _);
        }
        if (taken.Count == 0)
            return;
        try
        {
            taken.Sort((a, b) => a.Key.CompareTo(b.Key));
            await using var command = database.CreateCommand(
                """
                INSERT INTO ingest_refusals_daily (tenant, day, code, events)
                SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[])
                ON CONFLICT (tenant, day, code) DO UPDATE SET events = ingest_refusals_daily.events + excluded.events
                """
            );
            command.Parameters.Add(new() { Value = taken.Select(t => t.Key.Tenant).ToArray() });
            command.Parameters.Add(
                new()
                {
                    Value = taken.Select(t => t.Key.Day).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
                }
            );
            command.Parameters.Add(new() { Value = taken.Select(t => t.Key.Code).ToArray() });
            command.Parameters.Add(new() { Value = taken.Select(t => t.Events).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            foreach (var (key, events) in taken)
                Interlocked.Add(ref _counts.GetOrAdd(key, _ => new StrongBox<long>()).Value, events);
            throw;
        }
    }

    private readonly record struct RefusalKey(string Tenant, DateOnly Day, string Code) : IComparable<RefusalKey>
    {
        public int CompareTo(RefusalKey other) =>
            string.CompareOrdinal(Tenant, other.Tenant) is not 0 and var t ? t
            : Day.CompareTo(other.Day) is not 0 and var d ? d
            : string.CompareOrdinal(Code, other.Code);
    }
}
