using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.Idempotency;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// When a consumer reads its stored watermarks, and when the marks it already knows make that needless.
/// </summary>
public sealed class watermark_cache(PostgresFixture postgres)
{
    private const string Consumer = "cache-test";
    private const string Topic = "pit.v1.exec.trade_fill";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Appended = DateTimeOffset.UtcNow.AddMinutes(-5);

    private static List<ConsumedRecord> Records(long from, long to) =>
        Enumerable
            .Range((int)from, (int)(to - from + 1))
            .Select(o => new ConsumedRecord(Topic, 0, o, null, [], Appended, []))
            .ToList();

    /// <summary>
    /// A cache that read the store for records 0-9 of partition 0, handled them and raised the mark to 9.
    /// </summary>
    private static async Task<WatermarkCache> CacheThatHandledTheFirstTenAsync(
        TestDatabase database,
        TimeSpan? refreshAfter
    )
    {
        var cache = new WatermarkCache(Consumer, refreshAfter);
        await cache.LoadAsync(database.DataSource, Records(0, 9), Ct);
        await cache.AdvanceAsync(database.DataSource, Records(0, 9), Ct);
        return cache;
    }

    [Fact]
    public async Task a_first_batch_reads_the_stored_marks()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await ConsumerWatermarks.AdvanceAsync(
            database.DataSource,
            Consumer,
            ConsumerWatermarks.Heads(Records(0, 9)),
            Ct
        );

        var marks = await new WatermarkCache(Consumer).LoadAsync(database.DataSource, Records(5, 14), Ct);

        Assert.Equal(9, marks.Through(Topic, 0));
        Assert.True(marks.WasHandled(Records(9, 9)[0]));
        Assert.False(marks.WasHandled(Records(10, 10)[0]));
    }

    [Fact]
    public async Task a_batch_past_the_marks_it_raised_itself_is_not_checked_against_the_store()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var cache = await CacheThatHandledTheFirstTenAsync(database, TimeSpan.FromMinutes(5));
        // Another processor (a rebalance) has since raised the stored mark: only a read would tell.
        await database.ExecuteAsync("UPDATE consumer_watermarks SET handled_through = 100");

        var marks = await cache.LoadAsync(database.DataSource, Records(10, 19), Ct);

        // Not skipped: records 10-19 take the processed-events lookup, the slow path, which is still exactly once.
        Assert.Null(marks.Through(Topic, 0));
    }

    [Fact]
    public async Task a_known_mark_older_than_the_refresh_time_is_read_again()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var cache = await CacheThatHandledTheFirstTenAsync(database, TimeSpan.Zero);
        await database.ExecuteAsync("UPDATE consumer_watermarks SET handled_through = 100");
        await Task.Delay(5, Ct);

        var marks = await cache.LoadAsync(database.DataSource, Records(10, 19), Ct);

        Assert.Equal(100, marks.Through(Topic, 0));
        Assert.All(Records(10, 19), r => Assert.True(marks.WasHandled(r)));
    }

    [Fact]
    public async Task a_batch_at_or_below_a_known_mark_reads_the_stored_marks_again()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var cache = await CacheThatHandledTheFirstTenAsync(database, null);
        await database.ExecuteAsync("UPDATE consumer_watermarks SET handled_through = 100");

        var marks = await cache.LoadAsync(database.DataSource, Records(5, 14), Ct);

        Assert.Equal(100, marks.Through(Topic, 0));
        Assert.True(marks.WasHandled(Records(14, 14)[0]));
    }

    [Fact]
    public async Task a_mark_deleted_by_hand_is_never_taken_from_the_cache()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var cache = await CacheThatHandledTheFirstTenAsync(database, null);
        await database.ExecuteAsync("DELETE FROM consumer_watermarks");

        var marks = await cache.LoadAsync(database.DataSource, Records(0, 9), Ct);

        Assert.All(Records(0, 9), r => Assert.False(marks.WasHandled(r)));
    }
}
