using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.Idempotency;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>Watermarks raised later than their batch: who stores them, and that none is lost on the way.</summary>
public sealed class deferred_watermarks(PostgresFixture postgres)
{
    private const string Consumer = "deferred-test";
    private const string Topic = "pit.v1.exec.trade_fill";
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<ConsumedRecord> Records(int partition, long from, long to) =>
        Enumerable
            .Range((int)from, (int)(to - from + 1))
            .Select(o => new ConsumedRecord(Topic, partition, o, null, [], DateTimeOffset.UtcNow.AddMinutes(-5), []))
            .ToList();

    private static Task<long?> StoredMarkAsync(TestDatabase database, int partition) =>
        database.ScalarAsync<long?>($"SELECT handled_through FROM consumer_watermarks WHERE partition = {partition}");

    [Fact]
    public async Task a_deferred_mark_no_batch_takes_is_stored_by_the_timer()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var cache = new WatermarkCache(Consumer, storeDeferredAfter: TimeSpan.FromMilliseconds(20));

        cache.Defer(database.DataSource, Records(0, 0, 9));

        await Eventually.WaitForAsync(
            () => StoredMarkAsync(database, 0),
            m => m == 9,
            TimeSpan.FromSeconds(30),
            "the timer to store the mark"
        );
    }

    [Fact]
    public async Task a_batch_that_may_be_a_replay_reads_the_deferred_marks_too()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var cache = new WatermarkCache(Consumer, storeDeferredAfter: Never);
        cache.Defer(database.DataSource, Records(0, 0, 9));

        var marks = await cache.LoadAsync(database.DataSource, Records(0, 0, 9), Ct);

        Assert.All(Records(0, 0, 9), r => Assert.True(marks.WasHandled(r)));
        Assert.Equal(9, await StoredMarkAsync(database, 0));
    }

    [Fact]
    public async Task disposing_stores_the_deferred_marks()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var cache = new WatermarkCache(Consumer, storeDeferredAfter: Never);
        cache.Defer(database.DataSource, Records(0, 0, 9));
        cache.Defer(database.DataSource, Records(1, 0, 4));

        await cache.DisposeAsync();

        Assert.Equal(9, await StoredMarkAsync(database, 0));
        Assert.Equal(4, await StoredMarkAsync(database, 1));
    }

    [Fact]
    public async Task marks_taken_by_a_transaction_that_failed_are_given_back_and_stored_later()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var cache = new WatermarkCache(Consumer, storeDeferredAfter: Never);
        cache.Defer(database.DataSource, Records(0, 0, 9));

        var taken = cache.TakePending();
        Assert.Empty(cache.TakePending());
        cache.Defer(database.DataSource, Records(0, 10, 12));
        cache.Return(database.DataSource, taken);
        await cache.StorePendingAsync(database.DataSource, Ct);

        Assert.Equal(12, await StoredMarkAsync(database, 0));
    }

    [Fact]
    public async Task a_mark_stored_late_never_lowers_a_higher_one()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var cache = new WatermarkCache(Consumer, storeDeferredAfter: Never);
        cache.Defer(database.DataSource, Records(0, 0, 9));
        // Meanwhile another processor (a rebalance) stored a higher mark for the same partition.
        await ConsumerWatermarks.AdvanceAsync(
            database.DataSource,
            Consumer,
            ConsumerWatermarks.Heads(Records(0, 10, 50)),
            Ct
        );

        await cache.StorePendingAsync(database.DataSource, Ct);

        Assert.Equal(50, await StoredMarkAsync(database, 0));
    }
}
