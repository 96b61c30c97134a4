using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// GET /v1/usage?from=&amp;to=: the key's tenant's LLM usage per UTC day, model and currency, with totals per
/// currency. from and to are UTC days (yyyy-MM-dd), both inclusive; the default is the last 30 days up to today.
/// </summary>
public sealed class UsageQueryHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    TimeProvider time,
    ILogger<UsageQueryHandler> logger
)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => HandleCoreAsync(request, cancellationToken), logger, "GET /v1/usage");

    private async Task<IResult> HandleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Read, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (QueryParameters.Day(request, "to", today, out var to) is { } badTo)
            return badTo;
        if (QueryParameters.Day(request, "from", to.AddDays(1 - DefaultDays), out var from) is { } badFrom)
            return badFrom;
        if (from > to)
            return ApiErrors.BadRequest("ERR_VALIDATION", "from must not be after to", new { parameter = "from/to" });
        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
            return ApiErrors.BadRequest(
                "ERR_VALIDATION",
                $"the range may span at most {MaxDays} days",
                new { parameter = "from/to" }
            );

        await using var command = database.CreateCommand(
            """
            SELECT day, model, currency, calls, input_tokens, output_tokens, cost_micros FROM usage_daily
            WHERE tenant = $1 AND day BETWEEN $2 AND $3 AND calls > 0
            ORDER BY day, model, currency
            """
        );
        command.Parameters.Add(new() { Value = principal!.Tenant });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var rows = new List<UsageDay>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                rows.Add(
                    new UsageDay(
                        reader.GetFieldValue<DateOnly>(0),
                        reader.GetString(1),
                        NullIfEmpty(reader.GetString(2)),
                        reader.GetInt64(3),
                        reader.GetInt64(4),
                        reader.GetInt64(5),
                        reader.GetInt64(6)
                    )
                );
        }
        var totals = rows.GroupBy(r => r.Currency ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Aggregate(new UsageTotal(NullIfEmpty(g.Key), 0, 0, 0, 0), (t, r) => t.Add(r)))
            .ToList();
        return Results.Json(new UsageResponse(rows, new UsageMeta(from, to, days, totals)), ApiJson.Options);
    }

    /// <summary>Calls that named no currency are stored under ""; the API omits the member for them.</summary>
    private static string? NullIfEmpty(string currency) => currency.Length == 0 ? null : currency;
}

/// <summary>
/// One day's usage of one model in one currency (null: the calls named none). Amounts are integer micros.
/// </summary>
public sealed record UsageDay(
    DateOnly Day,
    string Model,
    string? Currency,
    long Calls,
    long InputTokens,
    long OutputTokens,
    long CostMicros
);

/// <summary>
/// The range's usage in one currency. Each day's row fits 64 bits (the aggregator dead-letters an event that would
/// overflow one), but the sum of up to 366 days and every model need not: the totals are 128-bit integers (exact, and
/// no money in a floating or decimal type), written as JSON integers (the spec bounds them by no format).
/// </summary>
public sealed record UsageTotal(
    string? Currency,
    Int128 Calls,
    Int128 InputTokens,
    Int128 OutputTokens,
    Int128 CostMicros
)
{
    public UsageTotal Add(UsageDay day) =>
        this with
        {
            Calls = Calls + day.Calls,
            InputTokens = InputTokens + day.InputTokens,
            OutputTokens = OutputTokens + day.OutputTokens,
            CostMicros = CostMicros + day.CostMicros,
        };
}

public sealed record UsageResponse(IReadOnlyList<UsageDay> Data, UsageMeta Meta);

public sealed record UsageMeta(DateOnly From, DateOnly To, int Days, IReadOnlyList<UsageTotal> Totals);
