using Npgsql;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Infrastructure.Postgres;
using Xunit;

namespace PitPlatform.Observability.Tests.Metrics;

/// <summary>
/// Where two of the platform's metrics come from: librdkafka's statistics and the database failure test.
/// </summary>
public sealed class platform_metric_sources
{
    [Fact]
    public void the_producer_queue_depth_is_the_top_level_msg_cnt_of_librdkafka_statistics()
    {
        const string statistics = """
            {"name":"pit-ingest#producer-1","client_id":"pit-ingest","type":"producer","ts":1,"time":2,"age":3,"replyq":0,
             "msg_cnt":42,"msg_size":4200,"msg_max":100000,"brokers":{"b":{"outbuf_msg_cnt":7,"msg_cnt":9}}}
            """;
        Assert.Equal(42, EnvelopeProducer.QueuedRecords(statistics));
        Assert.Equal(0, EnvelopeProducer.QueuedRecords("{}"));
    }

    [Fact]
    public void only_an_unreachable_database_counts_as_a_connection_failure_not_a_query_error()
    {
        Assert.True(
            DatabaseConnectionFailures.IsConnectionFailure(new NpgsqlException("Failed to connect to 127.0.0.1:5432"))
        );
        Assert.True(
            DatabaseConnectionFailures.IsConnectionFailure(new AggregateException(new NpgsqlException("broken")))
        );
        Assert.True(
            DatabaseConnectionFailures.IsConnectionFailure(
                new PostgresException("terminating", "FATAL", "FATAL", "57P01")
            )
        );
        Assert.False(
            DatabaseConnectionFailures.IsConnectionFailure(
                new PostgresException("duplicate key", "ERROR", "ERROR", "23505")
            )
        );
        Assert.False(DatabaseConnectionFailures.IsConnectionFailure(new InvalidOperationException("a bug")));
    }
}
