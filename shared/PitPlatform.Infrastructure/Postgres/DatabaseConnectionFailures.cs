using Npgsql;
using PitPlatform.Contracts;

namespace PitPlatform.Infrastructure.Postgres;

/// <summary>
/// Counts Postgres being unreachable (pit.database.connection_failures, the database alert's metric): a connection
/// that could not be opened, broke or timed out, as opposed to a query Postgres answered with an error.
/// </summary>
public static class DatabaseConnectionFailures
{
    /// <summary>
    /// Counts <paramref name="exception"/> under <paramref name="component"/> when it is one; true when counted.
    /// </summary>
    public static bool CountIfAny(Exception exception, string component)
    {
        if (!IsConnectionFailure(exception))
            return false;
        PitMetrics.DatabaseConnectionFailures.Add(1, new KeyValuePair<string, object?>("component", component));
        return true;
    }

    public static bool IsConnectionFailure(Exception exception) =>
        exception switch
        {
            // Postgres answered: a query or server state error, not a connection failure (57P01 admin shutdown aside).
            PostgresException postgres => postgres.SqlState is "57P01" or "57P02" or "57P03"
                || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
            NpgsqlException => true,
            AggregateException aggregate => aggregate.InnerExceptions.Any(IsConnectionFailure),
            { InnerException: { } inner } => IsConnectionFailure(inner),
            _ => false,
        };
}
