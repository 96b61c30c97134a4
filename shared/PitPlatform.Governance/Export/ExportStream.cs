using System.Buffers;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PitPlatform.Governance.Export;

/// <summary>
/// The NDJSON body of an export, streamed from Npgsql readers straight into the response's pipe: one
/// <c>{"type":"export",...}</c> header line, one <c>{"type":"&lt;table&gt;","data":{...}}</c> line per row, and a
/// <c>{"type":"export_end",...}</c> trailer with the rows per table. Memory stays bounded: a row is read, written
/// and flushed to the client every <see cref="FlushBytes"/>, so a slow client slows the read instead of filling
/// memory. All tables are read in one REPEATABLE READ snapshot, so the export is consistent across them. A failure
/// after the first byte aborts the connection: a body without its trailer is incomplete.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "It streams the export to the response; it is not a Stream.")]
public sealed class ExportStream(NpgsqlDataSource database, ExportScope scope, DateTimeOffset startedAt, ILogger logger)
    : IResult
{
    public const string MediaType = "application/x-ndjson";
    public const int FlushBytes = 64 * 1024;

    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = httpContext.RequestAborted;
        var response = httpContext.Response;
        response.ContentType = MediaType;
        response.Headers.CacheControl = "no-store";
        var queries = ExportTables.For(scope);
        var pipe = response.BodyWriter;
        var json = new Utf8JsonWriter(pipe, Options);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long pending = 0;
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection
                .BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
                .ConfigureAwait(false);
            await response.StartAsync(cancellationToken).ConfigureAwait(false);

            json.WriteStartObject();
            json.WriteString("type", "export");
            json.WriteStartObject("data");
            json.WriteString("tenant", scope.Tenant);
            json.WriteString("scope", scope.Kind);
            json.WriteString("target", scope.Target);
            json.WriteString(
                "started_at",
                startedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            );
            json.WriteStartArray("tables");
            foreach (var query in queries)
                json.WriteStringValue(query.Table);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            EndLine();

            foreach (var query in queries)
            {
                long rows = 0;
                await using var command = new NpgsqlCommand(query.Sql, connection, tx);
                foreach (var argument in query.Arguments)
                    command.Parameters.Add(new() { Value = argument });
                await using var reader = await command
                    .ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken)
                    .ConfigureAwait(false);
                var row = new ExportRowWriter(reader);
                var type = JsonEncodedText.Encode(query.Table);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    json.WriteStartObject();
                    json.WriteString("type"u8, type);
                    json.WritePropertyName("data"u8);
                    row.Write(json, reader);
                    json.WriteEndObject();
                    EndLine();
                    rows++;
                    if (pending >= FlushBytes)
                    {
                        pending = 0;
                        var flushed = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                        if (flushed.IsCanceled || flushed.IsCompleted)
                            return; // the client went away
                    }
                }
                counts[query.Table] = rows;
            }

            json.WriteStartObject();
            json.WriteString("type", "export_end");
            json.WriteStartObject("data");
            json.WriteStartObject("rows");
            foreach (var (table, rows) in counts)
                json.WriteNumber(table, rows);
            json.WriteEndObject();
            json.WriteNumber("total_rows", counts.Values.Sum());
            json.WriteEndObject();
            json.WriteEndObject();
            EndLine();
            await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
            when (e is NpgsqlException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The status line has gone: the only honest signal left is to cut the body before its trailer.
            logger.LogError(
                e,
                "export of {Target} failed after {Rows} rows; connection aborted",
                scope.Target,
                counts.Values.Sum()
            );
            httpContext.Abort();
        }
        finally
        {
            await json.DisposeAsync().ConfigureAwait(false);
        }

        void EndLine()
        {
            json.Flush();
            pending += json.BytesCommitted + 1;
            pipe.Write("\n"u8);
            json.Reset(pipe);
        }
    }
}
