using Npgsql;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// Reads the usage aggregator's daily totals (events_daily, usage_daily) as meter quantities per tenant and UTC day.
/// The aggregates hold each event once (they are written with the event's processed_events row), so they can be
/// billed as they stand. Each aggregate row fits 64 bits, but a tenant's day over several models need not: a day's
/// quantity is summed exactly and capped at <see cref="long.MaxValue"/>, which no real usage reaches (it is 9.2
/// trillion currency units of LLM cost in a day) and which a meter event can still carry.
/// </summary>
public class UsageMeterReader(NpgsqlDataSource database)
{
    /// <summary>For mocking.</summary>
    protected UsageMeterReader()
        : this(null!) { }

    /// <param name="tenant">One tenant, or null for all.</param>
    public virtual async Task<IReadOnlyList<MeteredUsage>> ReadAsync(
        DateOnly from,
        DateOnly to,
        string currency,
        string? tenant = null,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT tenant, 'events', day, LEAST(sum(events), 9223372036854775807)::bigint FROM events_daily
              WHERE day BETWEEN $1 AND $2 AND ($4::text IS NULL OR tenant = $4) GROUP BY tenant, day
            UNION ALL
            SELECT tenant, 'llm_tokens', day, LEAST(sum(input_tokens::numeric + output_tokens), 9223372036854775807)::bigint FROM usage_daily
              WHERE day BETWEEN $1 AND $2 AND ($4::text IS NULL OR tenant = $4) GROUP BY tenant, day
            UNION ALL
            SELECT tenant, 'llm_cost_micros', day, LEAST(sum(cost_micros), 9223372036854775807)::bigint FROM usage_daily
              WHERE day BETWEEN $1 AND $2 AND currency = $3 AND ($4::text IS NULL OR tenant = $4) GROUP BY tenant, day
            ORDER BY 1, 3, 2
            """
        );
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(new() { Value = currency });
        command.Parameters.Add(
            new() { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        var usage = new List<MeteredUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            usage.Add(
                new MeteredUsage(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetFieldValue<DateOnly>(2),
                    reader.GetInt64(3)
                )
            );
        return usage;
    }
}
