using System.Net.Sockets;
using Confluent.Kafka;
using Google.Protobuf;
using Npgsql;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>The classification table (docs/DELIVERY.md, "Failures") and how the guard splits a batch by it.</summary>
public sealed class consumer_failure_classes(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?> PostgresStates =>
        new()
        {
            { "22021", "Permanent", DeadLetterReason.StoreRefused }, // invalid byte sequence (a NUL in text)
            { "22001", "Permanent", DeadLetterReason.StoreRefused }, // string too long
            { "23514", "Permanent", DeadLetterReason.StoreRefused }, // check violation
            { "23502", "Permanent", DeadLetterReason.StoreRefused }, // not null
            { "54000", "Permanent", DeadLetterReason.StoreRefused }, // an index entry over its limit
            { "40001", "Transient", null }, // serialization failure
            { "40P01", "Transient", null }, // deadlock
            { "08006", "Transient", null }, // connection failure
            { "53300", "Transient", null }, // too many connections
            { "57P01", "Transient", null }, // admin shutdown
            { "55P03", "Transient", null }, // lock not available
            { "42P01", "Transient", null }, // undefined table: a deployment problem, every record meets it
            { "XX000", "Unknown", DeadLetterReason.UnknownFailure }, // internal error
            { "P0001", "Unknown", DeadLetterReason.UnknownFailure }, // raised by a function
        };

    [Theory]
    [MemberData(nameof(PostgresStates))]
    public void postgres_errors_are_classified_by_their_sqlstate(string state, string expected, string? reason)
    {
        var failure = Classify(new PostgresException("refused", "ERROR", "ERROR", state));

        Assert.Equal(expected, failure.Class.ToString());
        if (reason is not null)
        {
            Assert.Equal(reason, failure.Reason);
            Assert.StartsWith($"sqlstate {state}: refused", failure.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void a_unique_violation_on_the_idempotency_rows_is_the_race_the_handlers_expect_and_transient()
    {
        Assert.Equal(FailureClass.Transient, Classify(UniqueViolation("processed_events_pkey")).Class);
        var other = Classify(UniqueViolation("usage_daily_pkey"));
        Assert.Equal(FailureClass.Permanent, other.Class);
        Assert.Contains("constraint usage_daily_pkey", other.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void other_exceptions_are_classified_by_type()
    {
        Assert.Equal(
            FailureClass.Transient,
            Class(new NpgsqlException("Exception while reading from stream", new IOException("reset")))
        );
        Assert.Equal(
            FailureClass.Transient,
            Class(new KafkaProduceException("pit.v1.acct.nav_update: timed out", ErrorCode.Local_MsgTimedOut, true))
        );
        Assert.Equal(FailureClass.Transient, Class(new KafkaProduceException("fatal", ErrorCode.Local_Fatal, false)));
        Assert.Equal(FailureClass.Transient, Class(new TimeoutException()));
        Assert.Equal(FailureClass.Transient, Class(new SocketException()));
        Assert.Equal(FailureClass.Transient, Class(new OperationCanceledException()));
        Assert.Equal(FailureClass.Transient, Class(new Azure.RequestFailedException(503, "busy")));
        Assert.Equal(FailureClass.Transient, Class(new ArchiveConflictException("range", "a", "b")));
        Assert.Equal(FailureClass.Transient, Class(new InvalidOperationException("wrapped", new TimeoutException())));

        Assert.Equal(
            DeadLetterReason.OutputRefused,
            Reason(new KafkaProduceException("too large", ErrorCode.MsgSizeTooLarge, true))
        );
        Assert.Equal(DeadLetterReason.OutputRefused, Reason(new EnvelopeTooLargeException(2_000_000, 1_000_000)));
        Assert.Equal(DeadLetterReason.InvalidFill, Reason(new InvalidFillException("ACME is held in USD")));
        Assert.Equal(DeadLetterReason.ArithmeticOverflow, Reason(new OverflowException()));
        Assert.Equal(DeadLetterReason.Undecodable, Reason(ProtobufError()));
        Assert.Equal(DeadLetterReason.Undecodable, Reason(new FormatException()));
        Assert.Equal(DeadLetterReason.Undecodable, Reason(new ArgumentOutOfRangeException("ts")));

        Assert.Equal(FailureClass.Unknown, Class(new InvalidOperationException("Timestamp contains invalid values")));
#pragma warning disable CA2201 // A bug's exception, made here only to be classified, never thrown.
        Assert.Equal(FailureClass.Unknown, Class(new NullReferenceException()));
#pragma warning restore CA2201
        Assert.Equal(FailureClass.Unknown, Class(new InvalidCastException()));
    }

    [Fact]
    public void a_stop_is_transient_and_an_aggregate_takes_its_worst_part()
    {
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        Assert.Equal(FailureClass.Transient, FailureClassifier.Classify(new FormatException(), stopped.Token).Class);
        Assert.Equal(
            FailureClass.Transient,
            Class(new AggregateException(new FormatException(), new TimeoutException()))
        );
        Assert.Equal(
            FailureClass.Unknown,
            Class(new AggregateException(new FormatException(), new InvalidOperationException()))
        );
        Assert.Equal(FailureClass.Permanent, Class(new AggregateException(new FormatException())));
    }

    [Fact]
    public void an_unknown_failure_says_its_type_and_message_without_credentials()
    {
        var failure = Classify(new InvalidOperationException("cannot open Host=db;Password=hunter2;Username=pit"));

        Assert.Equal(DeadLetterReason.UnknownFailure, failure.Reason);
        Assert.StartsWith("System.InvalidOperationException: cannot open", failure.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_failing_batch_is_split_in_order_and_each_good_record_is_handled_once()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var batch = Enumerable
            .Range(0, 1_000)
            .Select(_ =>
                harness.Record("t/demo/s/alpha/c/0001"u8.ToArray(), harness.FillEnvelope(Guid.NewGuid()).ToByteArray())
            )
            .ToList();
        var poison = new HashSet<long> { 137, 800 };
        var handler = new RefusesPoison(poison);

        await harness.Guard(inner: handler).HandleAsync(batch, Ct);

        // The records applied are the batch, in its order, less the poison, each once.
        Assert.Equal(batch.Where(r => !poison.Contains(r.Offset)).Select(r => r.Offset), handler.Applied);
        // Each poison costs about two calls per halving: 1 + 2 x 2 x log2(1,000), at most.
        Assert.InRange(handler.Calls, 2, 1 + 2 * 2 * 10);
        var letters = TopicReader
            .ReadAll(
                harness.Kafka,
                DeadLetterWriter.Topic,
                expected: 2,
                TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();
        Assert.Equal(poison.Order(), letters.Select(l => l.SourceOffset).Order());
        Assert.All(letters, l => Assert.Equal(DeadLetterReason.StoreRefused, l.Reason));
    }

    [Fact]
    public async Task a_transient_failure_is_not_split_but_left_to_the_host()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var batch = Enumerable.Range(0, 10).Select(_ => harness.Record(harness.FillEnvelope(Guid.NewGuid()))).ToList();
        var handler = new Unavailable();

        await Assert.ThrowsAsync<NpgsqlException>(() => harness.Guard(inner: handler).HandleAsync(batch, Ct));

        Assert.Equal(1, handler.Calls);
    }

    private static ConsumerFailure Classify(Exception e) => FailureClassifier.Classify(e, CancellationToken.None);

    private static FailureClass Class(Exception e) => Classify(e).Class;

    private static InvalidProtocolBufferException ProtobufError()
    {
        try
        {
            EventEnvelope.Parser.ParseFrom([0xFF, 0xFF, 0xFF]);
        }
        catch (InvalidProtocolBufferException e)
        {
            return e;
        }
        throw new InvalidOperationException("three 0xFF bytes parsed as an envelope");
    }

    private static string Reason(Exception e)
    {
        var failure = Classify(e);
        Assert.Equal(FailureClass.Permanent, failure.Class);
        return failure.Reason;
    }

    private static PostgresException UniqueViolation(string constraint) =>
        new(
            "duplicate key value violates unique constraint",
            "ERROR",
            "ERROR",
            PostgresErrorCodes.UniqueViolation,
            constraintName: constraint
        );

    /// <summary>
    /// A handler whose store refuses the poison offsets: a batch holding one fails whole, as a transaction does.
    /// </summary>
    private sealed class RefusesPoison(HashSet<long> poison) : IRecordBatchHandler
    {
        public List<long> Applied { get; } = [];
        public int Calls { get; private set; }
        public string ConsumerGroup => NavProcessor.Group;
        public IReadOnlyList<string> Topics => [NavProcessor.InputTopic];

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            Calls++;
            if (batch.Any(r => poison.Contains(r.Offset)))
                throw new PostgresException(
                    "invalid byte sequence for encoding \"UTF8\": 0x00",
                    "ERROR",
                    "ERROR",
                    "22021"
                );
            Applied.AddRange(batch.Select(r => r.Offset));
            return Task.CompletedTask;
        }
    }

    private sealed class Unavailable : IRecordBatchHandler
    {
        public int Calls { get; private set; }
        public string ConsumerGroup => NavProcessor.Group;
        public IReadOnlyList<string> Topics => [NavProcessor.InputTopic];

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            Calls++;
            throw new NpgsqlException(
                "Failed to connect to 127.0.0.1:5432",
                new SocketException((int)SocketError.ConnectionRefused)
            );
        }
    }
}
