using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Governance.Approvals;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// The first step of a deletion: waits until every consumer group that writes a store has committed past the end
/// offsets the scope's events had when the deletion was approved, so no event accepted before the approval writes the
/// scope's rows again after the purge steps. Marks of a derived topic (nav_update, dead_letter) are taken once the
/// groups producing it passed their own inputs. Not there yet: <see cref="DeletionBarrierNotReachedException"/>, which
/// both hosts retry with backoff. Committed offsets are read with OffsetFetch through a consumer that never joins its
/// group, the request the Functions Kafka trigger itself makes on Event Hubs; end offsets with ListOffsets.
/// </summary>
public class DeletionBarrier(
    NpgsqlDataSource dataSource,
    KafkaSettings kafka,
    TopicCatalog catalog,
    DeletionBarrierOptions options,
    TimeProvider time,
    ILogger<DeletionBarrier> logger
)
{
    public const string Step = "await_consumers";

    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Topics the scope's events flow through: the ingest topics and what consumers of them produce.</summary>
    public IReadOnlyList<TopicDefinition> Topics { get; } = FlowTopics(catalog);

    /// <summary>Passes the barrier or throws; the step's details name the marks that were waited for.</summary>
    public virtual async Task<JsonObject> PassAsync(GovernanceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!options.ConsumersRunHere)
            return new JsonObject { ["skipped"] = "no consumers run in this host" };
        var scope = DeletionScope.FromJson(request.Payload);
        var now = time.GetUtcNow();
        var state = await LoadAsync(request.Id, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            // An offboarding's marks wait until every instance refuses the tenant's keys (their key caches expire).
            var refusedBy = (request.DecidedAt ?? now) + options.OffboardingKeySettle;
            if (scope.Offboarding && now < refusedBy)
                throw new DeletionBarrierNotReachedException(
                    $"deletion {request.Id:D} records its offsets once the tenant's keys are refused everywhere "
                        + $"(at {refusedBy.UtcDateTime:O})",
                    stalled: false
                );
            state = new BarrierState(now, [], []);
        }

        var naming = new KafkaNaming(kafka.Prefix);
        using var offsets = new OffsetReader(kafka, naming);
        Lag? lag = null;
        var changed = true;
        while (changed && lag is null)
        {
            changed = false;
            foreach (var topic in Topics.Where(t => !state.Settled.Contains(t.Name)))
            {
                var producers = ProducingGroups(topic);
                var inputs = producers.SelectMany(g => Inputs(g, except: topic.Name)).ToList();
                if (!inputs.All(i => state.Settled.Contains(i.Topic)))
                    continue;
                lag = inputs
                    .Select(i => offsets.Behind(i.Group, i.Topic, state.Marks))
                    .FirstOrDefault(l => l is not null);
                if (lag is not null)
                    break;
                state.Marks[topic.Name] = offsets.EndOffsets(topic);
                state.Settled.Add(topic.Name);
                await SaveMarksAsync(request.Id, state, topic.Name, cancellationToken).ConfigureAwait(false);
                changed = true;
            }
        }
        lag ??= Topics
            .SelectMany(t => t.ConsumerGroups.Select(g => (Group: g, Topic: t.Name)))
            .Where(p => state.Settled.Contains(p.Topic))
            .Select(p => offsets.Behind(p.Group, p.Topic, state.Marks))
            .FirstOrDefault(l => l is not null);
        var unsettled = Topics.FirstOrDefault(t => !state.Settled.Contains(t.Name));
        if (lag is null && unsettled is null)
        {
            await SetWaitingAsync(request.Id, null, cancellationToken).ConfigureAwait(false);
            return new JsonObject
            {
                ["marks"] = new JsonObject([
                    .. state.Marks.Select(t =>
                        KeyValuePair.Create(
                            t.Key,
                            (JsonNode?)
                                new JsonObject([
                                    .. t.Value.Select(p =>
                                        KeyValuePair.Create(
                                            p.Key.ToString(CultureInfo.InvariantCulture),
                                            (JsonNode?)p.Value
                                        )
                                    ),
                                ])
                        )
                    ),
                ]),
            };
        }

        var waited = now - state.StartedAt;
        var stalled = waited > options.Limit;
        var what = lag is not null
            ? $"consumer group {lag.Group}: {lag.Topic}[{lag.Partition}] committed "
                + $"{(lag.Committed is { } c ? c.ToString(CultureInfo.InvariantCulture) : "nothing")}"
                + $", must reach {lag.Mark}"
            : $"end offsets of {unsettled!.Name} (its producers have not passed their inputs)";
        await SetWaitingAsync(request.Id, what, cancellationToken).ConfigureAwait(false);
        var message = stalled
            ? $"deletion {request.Id:D} is stalled ({(int)waited.TotalMinutes} min, past the {options.Limit} limit)"
                + $": waiting on {what}"
            : $"deletion {request.Id:D} is waiting on {what}";
        if (stalled)
            logger.LogError("{Message}; it does not proceed until the group catches up", message);
        else
            logger.LogInformation("{Message}", message);
        throw new DeletionBarrierNotReachedException(message, stalled, lag?.Group);
    }

    /// <summary>What a deletion waits on now, null when it passed or never reached its barrier.</summary>
    public virtual async Task<string?> WaitingOnAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT waiting_on FROM deletion_barriers WHERE request_id = $1"
        );
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static List<TopicDefinition> FlowTopics(TopicCatalog catalog)
    {
        var flow = catalog.Topics.Where(t => t.IngestType is not null).ToList();
        var grown = true;
        while (grown)
        {
            var groups = flow.SelectMany(t => t.ConsumerGroups).ToHashSet(StringComparer.Ordinal);
            var more = catalog.Topics.Where(t => !flow.Contains(t) && t.Producers.Any(groups.Contains)).ToList();
            flow.AddRange(more);
            grown = more.Count > 0;
        }
        return flow;
    }

    private List<string> ProducingGroups(TopicDefinition topic)
    {
        var consumers = Topics.SelectMany(t => t.ConsumerGroups).ToHashSet(StringComparer.Ordinal);
        return [.. topic.Producers.Where(consumers.Contains)];
    }

    private IEnumerable<(string Group, string Topic)> Inputs(string group, string except) =>
        Topics.Where(t => t.Name != except && t.ConsumerGroups.Contains(group)).Select(t => (group, t.Name));

    private async Task<BarrierState?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT started_at, topics FROM deletion_barriers WHERE request_id = $1"
        );
        command.Parameters.Add(new() { Value = id });
        DateTimeOffset startedAt;
        HashSet<string> settled;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                return null;
            startedAt = reader.GetFieldValue<DateTimeOffset>(0);
            settled = [.. reader.GetFieldValue<string[]>(1)];
        }
        var marks = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        await using var marksCommand = dataSource.CreateCommand(
            "SELECT topic, partition, end_offset FROM deletion_barrier_marks WHERE request_id = $1"
        );
        marksCommand.Parameters.Add(new() { Value = id });
        await using var rows = await marksCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var topic = rows.GetString(0);
            if (!marks.TryGetValue(topic, out var partitions))
                marks[topic] = partitions = [];
            partitions[rows.GetInt32(1)] = rows.GetInt64(2);
        }
        return new BarrierState(startedAt, settled, marks);
    }

    /// <summary>Stores one topic's marks and adds it to the settled topics, in one transaction.</summary>
    private async Task SaveMarksAsync(Guid id, BarrierState state, string topic, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (
            var barrier = new NpgsqlCommand(
                """
                INSERT INTO deletion_barriers (request_id, started_at, topics) VALUES ($1, $2, ARRAY[$3])
                ON CONFLICT (request_id) DO UPDATE SET topics = array_append(deletion_barriers.topics, $3)
                WHERE NOT ($3 = ANY (deletion_barriers.topics))
                """,
                connection,
                transaction
            )
        )
        {
            barrier.Parameters.Add(new() { Value = id });
            barrier.Parameters.Add(new() { Value = state.StartedAt });
            barrier.Parameters.Add(new() { Value = topic });
            await barrier.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (partition, offset) in state.Marks[topic])
        {
            await using var mark = new NpgsqlCommand(
                """
                INSERT INTO deletion_barrier_marks (request_id, topic, partition, end_offset) VALUES ($1, $2, $3, $4)
                ON CONFLICT (request_id, topic, partition) DO NOTHING
                """,
                connection,
                transaction
            );
            mark.Parameters.Add(new() { Value = id });
            mark.Parameters.Add(new() { Value = topic });
            mark.Parameters.Add(new() { Value = partition });
            mark.Parameters.Add(new() { Value = offset });
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SetWaitingAsync(Guid id, string? waitingOn, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO deletion_barriers (request_id, waiting_on) VALUES ($1, $2)
            ON CONFLICT (request_id) DO UPDATE SET waiting_on = $2, checked_at = now()
            """
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)waitingOn ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record BarrierState(
        DateTimeOffset StartedAt,
        HashSet<string> Settled,
        Dictionary<string, Dictionary<int, long>> Marks
    );

    private sealed record Lag(string Group, string Topic, int Partition, long? Committed, long Mark);

    /// <summary>
    /// End and committed offsets through consumers that never join a group (one per group asked about).
    /// </summary>
    private sealed class OffsetReader(KafkaSettings kafka, KafkaNaming naming) : IDisposable
    {
        private readonly Dictionary<string, IConsumer<Ignore, Ignore>> _consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), Dictionary<int, long?>> _committed = [];

        /// <summary>
        /// The end offset of each partition that holds records now; an empty one has nothing in flight.
        /// </summary>
        public Dictionary<int, long> EndOffsets(TopicDefinition topic)
        {
            var consumer = Consumer("pit-deletion-barrier");
            var marks = new Dictionary<int, long>();
            for (var p = 0; p < topic.Partitions; p++)
            {
                var offsets = consumer.QueryWatermarkOffsets(
                    new TopicPartition(naming.Topic(topic.Name), p),
                    KafkaTimeout
                );
                if (offsets.High.Value > offsets.Low.Value)
                    marks[p] = offsets.High.Value;
            }
            return marks;
        }

        /// <summary>
        /// The first partition of <paramref name="topic"/> the group has not committed past its mark.
        /// </summary>
        public Lag? Behind(string group, string topic, Dictionary<string, Dictionary<int, long>> marks)
        {
            if (!marks.TryGetValue(topic, out var partitions) || partitions.Count == 0)
                return null;
            if (!_committed.TryGetValue((group, topic), out var committed))
            {
                var offsets = Consumer(naming.Group(group))
                    .Committed(partitions.Keys.Select(p => new TopicPartition(naming.Topic(topic), p)), KafkaTimeout);
                committed = offsets.ToDictionary(
                    o => o.Partition.Value,
                    o => o.Offset == Offset.Unset ? null : (long?)o.Offset.Value
                );
                _committed[(group, topic)] = committed;
            }
            foreach (var (partition, mark) in partitions.OrderBy(p => p.Key))
            {
                var at = committed.GetValueOrDefault(partition);
                if (at is null || at < mark)
                    return new Lag(group, topic, partition, at, mark);
            }
            return null;
        }

        private IConsumer<Ignore, Ignore> Consumer(string groupId)
        {
            if (_consumers.TryGetValue(groupId, out var consumer))
                return consumer;
            KafkaNativeLibrary.EnsureResolver();
            var config = new ConsumerConfig
            {
                // Never subscribed: reading a group's committed offsets does not join it or move them.
                GroupId = groupId,
                EnableAutoCommit = false,
                EnableAutoOffsetStore = false,
                ClientId = "pit-deletion-barrier",
            };
            kafka.Apply(config);
            consumer = kafka.Configure(new ConsumerBuilder<Ignore, Ignore>(config)).Build();
            _consumers[groupId] = consumer;
            return consumer;
        }

        public void Dispose()
        {
            foreach (var consumer in _consumers.Values)
                consumer.Dispose();
        }
    }
}

/// <summary>How the deletion barrier behaves in this host.</summary>
public sealed record DeletionBarrierOptions
{
    /// <summary>
    /// False in a local host that runs no consumer loops (tests that drive none): nothing here can write the scope's
    /// rows from Kafka, so there is nothing to wait for.
    /// </summary>
    public bool ConsumersRunHere { get; init; } = true;

    /// <summary>
    /// After this long a waiting deletion reports itself stalled (it still never proceeds on its own).
    /// </summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after an offboarding's approval every instance refuses the tenant's keys: the API key cache's life
    /// and a margin for a request authenticated just before to reach Kafka.
    /// </summary>
    public TimeSpan OffboardingKeySettle { get; init; } =
        Access.ApiKeys.ApiKeyAuthenticator.CacheDuration + TimeSpan.FromSeconds(5);
}

/// <summary>The barrier is not reached yet: retry later (transient by design).</summary>
public sealed class DeletionBarrierNotReachedException : Exception
{
    public DeletionBarrierNotReachedException(string message, bool stalled, string? group = null)
        : base(message)
    {
        Stalled = stalled;
        Group = group;
    }

    public DeletionBarrierNotReachedException() { }

    public DeletionBarrierNotReachedException(string message)
        : base(message) { }

    public DeletionBarrierNotReachedException(string message, Exception innerException)
        : base(message, innerException) { }

    /// <summary>Waiting longer than <see cref="DeletionBarrierOptions.Limit"/>.</summary>
    public bool Stalled { get; }

    /// <summary>The lagging consumer group, when one is.</summary>
    public string? Group { get; }
}
