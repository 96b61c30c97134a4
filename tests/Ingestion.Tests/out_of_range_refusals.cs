using System.Net;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Ingestion.Tests.Support.EdgeRequests;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Times outside the years 1970 to 9998 (before the Unix epoch a UUIDv7 cannot hold; past them a day, a month or an
/// hour cannot be added) and numbers beyond the integers a member is stored in are refused at the edge with a
/// structured 400 naming the parameter or member, never a 500; in an event they reject that event alone.
/// </summary>
public sealed class out_of_range_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
    : IAsyncLifetime
{
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task a_billing_period_whose_next_month_cannot_be_computed_is_refused()
    {
        AssertRefused(
            await SendAsync(_pipeline, "GET", "/v1/billing/usage?period=9999-12"),
            "ERR_VALIDATION",
            "parameter",
            "period"
        );
        AssertRefused(
            await SendAsync(_pipeline, "GET", "/v1/billing/usage?period=1969-12"),
            "ERR_VALIDATION",
            "parameter",
            "period"
        );
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_pipeline, "GET", "/v1/billing/usage?period=9998-12")).Status);
    }

    [Fact]
    public async Task a_usage_day_whose_default_range_cannot_be_computed_is_refused()
    {
        AssertRefused(
            await SendAsync(_pipeline, "GET", "/v1/usage?to=0001-01-01"),
            "ERR_VALIDATION",
            "parameter",
            "to"
        );
        AssertRefused(
            await SendAsync(_pipeline, "GET", "/v1/usage?from=9999-12-31&to=9999-12-31"),
            "ERR_VALIDATION",
            "parameter",
            "to"
        );
        AssertRefused(
            await SendAsync(_pipeline, "GET", "/v1/usage?from=1969-12-31&to=1970-01-01"),
            "ERR_VALIDATION",
            "parameter",
            "from"
        );
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_pipeline, "GET", "/v1/usage?to=1970-01-01")).Status);
    }

    [Theory]
    [InlineData("/v1/series/alpha/nav?from=0001-01-01T00:00:00Z", "from")]
    [InlineData("/v1/series/alpha/nav?to=9999-12-31T23:59:59Z&interval=1d", "to")]
    [InlineData("/v1/series/alpha/nav.svg?from=9999-12-31T23:30:00Z&to=9999-12-31T23:30:00Z", "from")]
    [InlineData("/v1/series/alpha/nav.svg?to=1969-12-31T23:59:59Z", "to")]
    [InlineData("/v1/audit?from=0001-01-01T00:00:00Z&to=0001-01-01T00:00:00Z", "from")]
    [InlineData("/v1/audit?to=9999-12-31T23:59:59.9999999Z", "to")]
    public async Task a_query_time_outside_the_years_the_platform_holds_is_refused_naming_it(
        string path,
        string parameter
    )
    {
        AssertRefused(await SendAsync(_pipeline, "GET", path), "ERR_VALIDATION", "parameter", parameter);
    }

    [Fact]
    public async Task an_event_time_outside_1970_to_9998_rejects_that_event_and_its_neighbours_are_accepted()
    {
        var (good, early, ancient, late) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            Batch(
                Fill(early, ts: "1969-12-31T23:59:59Z"),
                Fill(good, ts: "1970-01-01T00:00:00Z"),
                Fill(ancient, ts: "0001-01-01T00:00:00Z"),
                Fill(late, ts: "9999-12-31T23:59:59Z")
            )
        );

        Assert.Equal((HttpStatusCode)207, answer.Status);
        Assert.Equal(
            [
                ("rejected", "ERR_VALIDATION", "/data/0/ts"),
                ("accepted", null, null),
                ("rejected", "ERR_VALIDATION", "/data/2/ts"),
                ("rejected", "ERR_VALIDATION", "/data/3/ts"),
            ],
            Results(answer.Body)
        );
        var produced = EventIdsOn(_pipeline, "pit.v1.exec.trade_fill");
        Assert.Contains(good.ToString(), produced);
        Assert.DoesNotContain(produced, id =>
            id == early.ToString() || id == ancient.ToString() || id == late.ToString()
        );
    }

    [Fact]
    public async Task an_event_whose_offset_puts_it_just_before_the_epoch_gets_an_id_without_a_500()
    {
        // The year as written is 1970, so the schema holds it; the server makes its UUIDv7 from the epoch instead.
        var fill = Fill(Guid.Empty, ts: "1970-01-01T00:00:00+01:00")
            .Replace($"\"event_id\":\"{Guid.Empty}\",", "", StringComparison.Ordinal);

        var answer = await SendAsync(_pipeline, "POST", "/v1/events", Batch(fill));

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        Assert.StartsWith(
            "00000000-0000-7",
            answer.Body.GetProperty("data")[0].GetProperty("event_id").GetString(),
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("\"quantity\":1,", "\"quantity\":1000000000001,", "/data/0/payload/quantity")]
    [InlineData("\"price_micros\":1000000,", "\"price_micros\":9223372036854775808,", "/data/0/payload/price_micros")]
    [InlineData("\"price_micros\":1000000,", "\"price_micros\":-1,", "/data/0/payload/price_micros")]
    [InlineData("\"price_micros\":1000000,", "\"price_micros\":1e400,", "/data/0/payload/price_micros")]
    [InlineData(
        "\"currency\":\"USD\"",
        "\"currency\":\"USD\",\"fee_micros\":99999999999999999999999",
        "/data/0/payload/fee_micros"
    )]
    public async Task an_event_number_beyond_what_its_member_is_stored_in_rejects_the_event(
        string from,
        string to,
        string pointer
    )
    {
        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            Batch(Fill(Guid.NewGuid()).Replace(from, to, StringComparison.Ordinal))
        );

        Assert.Equal((HttpStatusCode)207, answer.Status);
        Assert.Equal([("rejected", "ERR_VALIDATION", pointer)], Results(answer.Body));
    }

    [Theory]
    [InlineData("\"rate_per_second\":99999999999", "/rate_per_second")]
    [InlineData("\"rate_per_second\":1,\"burst\":-99999999999", "/burst")]
    [InlineData("\"burst\":1e400", "/burst")]
    public async Task a_key_rate_beyond_32_bits_is_out_of_range_not_malformed(string members, string pointer)
    {
        var before = await _pipeline.Database.CountAsync("api_keys");

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/admin/keys",
            $"{{\"scopes\":[\"read\"],\"name\":\"n\",{members}}}"
        );

        AssertRefused(answer, "ERR_VALIDATION", "pointer", pointer);
        Assert.Equal(before, await _pipeline.Database.CountAsync("api_keys"));
    }

    [Fact]
    public async Task retention_days_beyond_32_bits_are_refused()
    {
        AssertRefused(
            await SendAsync(_pipeline, "PUT", "/v1/admin/retention", "{\"days\":99999999999999999999}"),
            "ERR_VALIDATION",
            "pointer",
            "/days"
        );
    }
}
