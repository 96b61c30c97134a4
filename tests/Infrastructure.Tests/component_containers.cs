using Confluent.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// Real Kafka and Postgres under Testcontainers: a record produced and consumed, a query answered. Our machines have
/// no Docker engine, so here this is the one test that reports it skipped, with that reason.
/// </summary>
public sealed class component_containers(KafkaFixture runKafka, PostgresFixture runPostgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task real_kafka_and_postgres_containers_run_where_docker_is_available()
    {
        Assert.SkipUnless(DockerEngine.Available, DockerEngine.NotFound);
        // The run's own containers when PIT_TEST_CONTAINERS put the fixtures on them; otherwise a private pair.
        await using var ownKafka =
            runKafka.Source == ComponentSource.Container ? null : await StartAsync(KafkaFixture.InContainer());
        await using var ownPostgres =
            runPostgres.Source == ComponentSource.Container ? null : await StartAsync(PostgresFixture.InContainer());
        var kafka = ownKafka ?? runKafka;
        var postgres = ownPostgres ?? runPostgres;

        var naming = await kafka.CreateCatalogTopicsAsync();
        var topic = naming.Topic("pit.v1.ops.retention_sweep");
        using (
            var producer = new ProducerBuilder<string, string>(
                new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }
            ).Build()
        )
            await producer.ProduceAsync(
                new TopicPartition(topic, 0),
                new Message<string, string> { Key = "t/demo/s/alpha", Value = "hello" },
                Ct
            );
        using var consumer = new ConsumerBuilder<string, string>(
            new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = naming.Prefix + "check" }
        ).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var read = consumer.Consume(TimeSpan.FromSeconds(30));
        using var admin = new AdminClientBuilder(
            new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }
        ).Build();
        var brokers = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers;

        await using var database = await postgres.CreateDatabaseAsync();
        var version = await database.ScalarAsync<string>("SELECT version()");

        Assert.Equal(("t/demo/s/alpha", "hello"), (read?.Message.Key, read?.Message.Value));
        Assert.Null(kafka.Mock);
        Assert.Single(brokers); // one KRaft node, not the three-broker mock
        Assert.StartsWith("PostgreSQL 15", version);
        Assert.Null(postgres.Server);
        Assert.True(await database.CountAsync("schema_migrations") > 0, "the migrations ran in the container");
    }

    private static async Task<T> StartAsync<T>(T fixture)
        where T : IAsyncLifetime
    {
        await fixture.InitializeAsync();
        return fixture;
    }
}
