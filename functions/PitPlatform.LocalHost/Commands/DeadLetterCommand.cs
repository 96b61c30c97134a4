using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Schema;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// `./pit dlq list [--reason R] [--since T] [--topic X] [--group G]` prints the dead letters, one line each, and their
/// counts per reason; `./pit dlq replay --reason R --since T [--topic X] [--group G] [--dry-run]` re-produces the
/// chosen letters' original records to their source topics (docs/runbooks/dead_letters.md). T is an RFC 3339 time, a
/// UTC day (yyyy-MM-dd) or an age (30m, 6h, 2d). Exit codes: 0 done, 1 nothing matched a replay, 2 bad usage or
/// settings, 3 Kafka unreachable or failing (nothing, or only the records listed as replayed, was produced).
/// </summary>
public static class DeadLetterCommand
{
    public const string Usage =
        "usage: ./pit dlq list [--reason R] [--since T] [--topic X] [--group G]\n"
        + "       ./pit dlq replay --reason R --since T [--topic X] [--group G] [--dry-run]\n"
        + "       T: an RFC 3339 time, a UTC day (yyyy-MM-dd) or an age (30m, 6h, 2d)";

    public static async Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        TextWriter output,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await RunCoreAsync(configuration, args, output, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Confluent.Kafka.KafkaException or KafkaProduceException or TimeoutException)
        {
            // An operator command reports an outage in one line and an exit code, not a stack trace.
            await output.WriteLineAsync($"Kafka failed: {e.Message}").ConfigureAwait(false);
            return 3;
        }
    }

    private static async Task<int> RunCoreAsync(
        IConfiguration configuration,
        string[] args,
        TextWriter output,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        if (args.Length == 0 || args[0] is not ("list" or "replay"))
            return Fail(output, Usage);
        if (!TryParseOptions(args[1..], time.GetUtcNow(), out var filter, out var dryRun, out var problem))
            return Fail(output, $"{problem}\n{Usage}");
        var replay = args[0] == "replay";
        if (replay && (filter.Reason is null || filter.Since is null))
            return Fail(
                output,
                $"replay needs --reason and --since, so a replay is always a deliberate choice\n{Usage}"
            );
        if (!replay && dryRun)
            return Fail(output, $"--dry-run is for replay\n{Usage}");

        var settings = OperatorKafkaSettings.FromConfiguration(configuration);
        var reading = new DeadLetterReader(settings, TopicCatalog.Embedded).ReadAll(
            cancellationToken: cancellationToken
        );
        var chosen = reading.Letters.Where(filter.Matches).ToList();
        if (!replay)
        {
            List(output, chosen, reading);
            return 0;
        }

        var toReplay = DeadLetterReplayer.Choose(chosen);
        foreach (var letter in toReplay)
            await output.WriteLineAsync(Line(letter)).ConfigureAwait(false);
        if (toReplay.Count == 0)
        {
            await output.WriteLineAsync("no dead letter matches: nothing replayed").ConfigureAwait(false);
            return 1;
        }
        if (dryRun)
        {
            await output
                .WriteLineAsync(
                    $"dry run: {toReplay.Count} record(s) would be re-produced to their source topics "
                        + $"({chosen.Count} letter(s) matched)"
                )
                .ConfigureAwait(false);
            return 0;
        }
        using var producer = new EnvelopeProducer(settings, TopicCatalog.Embedded, "pit-dlq-replay");
        var produced = await new DeadLetterReplayer(producer, NullLogger<DeadLetterReplayer>.Instance)
            .ReplayAsync(toReplay, cancellationToken, (_, record) =>
                output.WriteLine($"replayed to {record.Topic}[{record.Partition}]@{record.Offset}")
            )
            .ConfigureAwait(false);
        await output
            .WriteLineAsync(
                $"replayed {produced.Count} record(s) ({chosen.Count} letter(s) matched); consumers "
                    + "deduplicate on event_id"
            )
            .ConfigureAwait(false);
        return 0;
    }

    private static void List(TextWriter output, IReadOnlyList<StoredDeadLetter> letters, DeadLetterReading reading)
    {
        output.WriteLine(
            $"{"first_seen", -24}  {"reason", -22}  {"source", -36}  {"group", -18}  {"event_id", -36}  error"
        );
        foreach (var letter in letters)
            output.WriteLine(Line(letter));
        var counts = letters
            .GroupBy(l => l.Letter.Reason, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine(
            $"{letters.Count} of {reading.Letters.Count} dead letter(s)"
                + (letters.Count > 0 ? ": " + string.Join(", ", counts) : "")
        );
        if (reading.Unreadable > 0)
            output.WriteLine(
                $"{reading.Unreadable} record(s) on {DeadLetterWriter.Topic} are not dead-letter envelopes"
            );
    }

    private static string Line(StoredDeadLetter letter)
    {
        var l = letter.Letter;
        var firstSeen = letter.FirstSeen.UtcDateTime.ToString(
            "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
            CultureInfo.InvariantCulture
        );
        var source = $"{l.SourceTopic}[{l.SourcePartition}]@{l.SourceOffset}";
        return $"{firstSeen, -24}  {l.Reason, -22}  {source, -36}  {l.ConsumerGroup, -18}  "
            + $"{letter.OriginalEventId ?? "-", -36}  {letter.ErrorHead()}";
    }

    private static bool TryParseOptions(
        string[] args,
        DateTimeOffset now,
        out DeadLetterFilter filter,
        out bool dryRun,
        out string problem
    )
    {
        filter = new DeadLetterFilter();
        dryRun = false;
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--dry-run")
            {
                dryRun = true;
                continue;
            }
            if (name is not ("--reason" or "--since" or "--topic" or "--group"))
            {
                problem = $"unknown option {name}";
                return false;
            }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{name} needs a value";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--reason":
                    filter = filter with { Reason = value };
                    break;
                case "--topic":
                    filter = filter with { SourceTopic = value };
                    break;
                case "--group":
                    filter = filter with { ConsumerGroup = value };
                    break;
                default:
                    if (ParseSince(value, now) is not { } since)
                    {
                        problem =
                            $"--since {value}: not an RFC 3339 time, a UTC day (yyyy-MM-dd) or an age (30m, 6h, 2d)";
                        return false;
                    }
                    filter = filter with { Since = since };
                    break;
            }
        }
        if (filter.SourceTopic is { } topic && TopicCatalog.Embedded.Find(topic) is null)
        {
            problem = $"--topic {topic} is not a catalog topic";
            return false;
        }
        return true;
    }

    /// <summary>
    /// An RFC 3339 time, a UTC day (its midnight), or an age before <paramref name="now"/>; null otherwise.
    /// </summary>
    public static DateTimeOffset? ParseSince(string text, DateTimeOffset now)
    {
        if (Rfc3339.TryParse(text, out var time))
            return time;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (
            text.Length < 2
            || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
        )
            return null;
        return text[^1] switch
        {
            'm' => now.AddMinutes(-amount),
            'h' => now.AddHours(-amount),
            'd' => now.AddDays(-amount),
            _ => null,
        };
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
