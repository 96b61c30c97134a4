using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Infrastructure.Postgres;

namespace PitPlatform.Access.Http;

/// <summary>
/// Turns an outage of a component the request needs (Postgres unreachable or restarting, a timeout) into a
/// structured 503 that tells the client to retry, instead of a bare 500. Bugs still surface as 500s.
/// </summary>
public static class OutageGuard
{
    public static async Task<IResult> RunAsync(Func<Task<IResult>> handler, ILogger logger, string what)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception e) when (IsOutage(e))
        {
            DatabaseConnectionFailures.CountIfAny(e, "http");
            logger.LogWarning("{What}: a required component is unavailable ({Error})", what, e.Message);
            return ApiErrors.Unavailable("a component this request needs is unavailable; retry later");
        }
    }

    /// <summary>Connection failures and transient server states, not query errors (those are bugs).</summary>
    public static bool IsOutage(Exception e) =>
        e switch
        {
            PostgresException postgres => postgres.IsTransient,
            NpgsqlException => true,
            TimeoutException => true,
            _ => false,
        };
}
