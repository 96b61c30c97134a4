using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>Bad parameters are structured 400s naming the parameter, on both routes.</summary>
public sealed class nav_query_refusals(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    [Theory]
    [InlineData("-alpha", "", "series")]
    [InlineData("alpha", "cell=a/b", "cell")]
    [InlineData("alpha", "currency=usd", "currency")]
    [InlineData("alpha", "currency=DOLLAR", "currency")]
    [InlineData("alpha", "from=yesterday", "from/to")]
    [InlineData("alpha", "to=2026-13-01T00:00:00Z", "from/to")]
    [InlineData("alpha", "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from/to")]
    [InlineData("alpha", "interval=2m", "interval")]
    [InlineData("alpha", "interval=", "interval")]
    [InlineData("alpha", "limit=0", "limit")]
    [InlineData("alpha", "limit=10001", "limit")]
    [InlineData("alpha", "limit=-5", "limit")]
    [InlineData("alpha", "limit=ten", "limit")]
    [InlineData("alpha", "page_token=", "page_token")]
    [InlineData("alpha", "page_token=AAAA", "page_token")]
    public async Task a_bad_parameter_is_a_structured_400_naming_it(string series, string query, string parameter)
    {
        foreach (var route in new[] { "nav", "nav.svg" })
        {
            var answer = await host.GetAsync($"/v1/series/{Uri.EscapeDataString(series)}/{route}?{query}");

            Assert.True(answer.Status == 400, $"{route}?{query}: {answer.Status} {answer.Text}");
            Assert.Equal("application/json", answer.MediaType);
            Assert.Equal("ERR_VALIDATION", answer.ErrorCode);
            Assert.Equal(parameter, answer.ErrorParameter);
            Assert.False(
                string.IsNullOrWhiteSpace(answer.Json!.Value.GetProperty("error").GetProperty("message").GetString())
            );
        }
    }
}
