using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Reads NAV points of one tenant and series in keyset order, raw from nav_points or bucketed from nav_rollups. The
/// SQL names only the filters a query uses, so each shape gets the plan of its index: the whole series walks
/// nav_points_by_series_time or the rollup key in order; one cell walks nav_points_by_cell_time or nav_rollups_by_cell.
/// </summary>
public sealed class NavPointReader(NpgsqlDataSource database)
{
    public async Task<List<NavPoint>> ReadAsync(
        string tenant,
        NavQuery query,
        NavInterval interval,
        NavCursor? after,
        int take,
        CancellationToken cancellationToken
    )
    {
        var sql = new StringBuilder();
        await using var command = database.CreateCommand();
        string Parameter(object value, NpgsqlDbType? type = null)
        {
            var parameter = new NpgsqlParameter { Value = value };
            if (type is { } t)
                parameter.NpgsqlDbType = t;
            command.Parameters.Add(parameter);
            return "$" + command.Parameters.Count;
        }

        var time = interval.IsRaw ? "ts" : "bucket";
        if (interval.IsRaw)
            sql.Append(
                    "SELECT ts, cell, currency, nav_micros, cash_micros, positions_value_micros, "
                        + "fills_applied, event_id FROM nav_points "
                )
                .Append(
                    CultureInfo.InvariantCulture,
                    $"WHERE tenant = {Parameter(tenant)} AND series = {Parameter(query.Series)}"
                );
        else
            sql.Append(
                    "SELECT bucket, cell, currency, nav_micros, cash_micros, positions_value_micros, "
                        + "last_fills_applied, last_ts, min_nav_micros, max_nav_micros, points "
                )
                .Append(
                    CultureInfo.InvariantCulture,
                    $"FROM nav_rollups WHERE tenant = {Parameter(tenant)} AND series = "
                        + $"{Parameter(query.Series)} AND bucket_seconds = {Parameter(interval.Seconds)}"
                );
        if (query.Cell is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND cell = {Parameter(query.Cell)}");
        if (query.Currency is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND currency = {Parameter(query.Currency, NpgsqlDbType.Char)}");
        if (query.From is { } from)
            sql.Append(
                CultureInfo.InvariantCulture,
                $" AND {time} >= {Parameter(BucketStart(from.UtcDateTime, interval))}"
            );
        if (query.To is { } to)
            sql.Append(CultureInfo.InvariantCulture, $" AND {time} <= {Parameter(to.UtcDateTime)}");
        if (after is not null)
        {
            sql.Append(
                interval.IsRaw
                    ? $" AND (ts, cell, currency, fills_applied, event_id) > ({Parameter(after.Ts)}, "
                        + $"{Parameter(after.Cell)}, {Parameter(after.Currency, NpgsqlDbType.Char)}, "
                        + $"{Parameter(after.FillsApplied)}, {Parameter(after.EventId)})"
                    : $" AND (bucket, cell, currency) > ({Parameter(after.Ts)}, {Parameter(after.Cell)}, "
                        + $"{Parameter(after.Currency, NpgsqlDbType.Char)})"
            );
        }
        sql.Append(
                interval.IsRaw
                    ? " ORDER BY ts, cell, currency, fills_applied, event_id"
                    : " ORDER BY bucket, cell, currency"
            )
            .Append(CultureInfo.InvariantCulture, $" LIMIT {Parameter(take)}");
        command.CommandText = sql.ToString();

        var points = new List<NavPoint>(Math.Min(take, 4096));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var point = new NavPoint(
                DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6)
            );
            points.Add(
                interval.IsRaw
                    ? point with
                    {
                        EventId = reader.GetGuid(7),
                    }
                    : point with
                    {
                        LastTs = DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc),
                        MinNavMicros = reader.GetInt64(8),
                        MaxNavMicros = reader.GetInt64(9),
                        Points = reader.GetInt64(10),
                    }
            );
        }
        return points;
    }

    /// <summary>
    /// The first and last point time of a query's points, from the day rollup (a few rows per cell and day).
    /// </summary>
    public async Task<(DateTime First, DateTime Last)?> SpanAsync(
        string tenant,
        NavQuery query,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand();
        var sql = new StringBuilder(
            "SELECT min(bucket), max(last_ts) FROM nav_rollups WHERE tenant = $1 AND series = $2 AND "
                + "bucket_seconds = $3"
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = query.Series });
        command.Parameters.Add(new() { Value = NavInterval.OneDay.Seconds });
        if (query.Cell is not null)
        {
            command.Parameters.Add(new() { Value = query.Cell });
            sql.Append(" AND cell = $").Append(command.Parameters.Count);
        }
        if (query.Currency is not null)
        {
            command.Parameters.Add(new() { Value = query.Currency, NpgsqlDbType = NpgsqlDbType.Char });
            sql.Append(" AND currency = $").Append(command.Parameters.Count);
        }
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
            return null;
        return (
            DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc),
            DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)
        );
    }

    /// <summary>
    /// The start of the bucket holding <paramref name="time"/> (epoch-aligned, as date_bin in the rollups).
    /// </summary>
    public static DateTime BucketStart(DateTime time, NavInterval interval)
    {
        if (interval.IsRaw)
            return time;
        var sinceEpoch = time.Ticks - DateTime.UnixEpoch.Ticks;
        var length = interval.Length.Ticks;
        var floor = sinceEpoch >= 0 ? sinceEpoch / length * length : -((-sinceEpoch + length - 1) / length * length);
        return new DateTime(DateTime.UnixEpoch.Ticks + floor, DateTimeKind.Utc);
    }
}
