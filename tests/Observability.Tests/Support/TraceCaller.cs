using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using PitPlatform.Testing;

namespace PitPlatform.Observability.Tests.Support;

/// <summary>
/// A caller that sends its own traceparent. Its HttpClient propagates nothing: a host's HttpClient instrumentation
/// listens process-wide, and a propagating client would replace the header the test set with its own span's.
/// </summary>
internal sealed class TraceCaller : IDisposable
{
    private readonly HttpClient _http;

    public TraceCaller(TestPipeline pipeline)
    {
        _http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = pipeline.Host.BaseAddress,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            pipeline.Host.DevKey.ToString()
        );
    }

    /// <summary>
    /// POST /v1/events with <paramref name="json"/> as part of the caller's trace <paramref name="trace"/>.
    /// </summary>
    public async Task<HttpResponseMessage> PostEventsAsync(
        string json,
        ActivityTraceId trace,
        CancellationToken cancellationToken
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(
            "traceparent",
            $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01"
        );
        return await _http.SendAsync(request, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
