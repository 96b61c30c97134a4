using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests.Support;

/// <summary>Hostile requests to the local host and what they left behind, for the edge refusal tests.</summary>
internal static class EdgeRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Sends <paramref name="body"/> as is (bytes, so they need not be UTF-8) with the development key.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        TestPipeline pipeline,
        string method,
        string path,
        byte[]? body = null
    )
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await pipeline.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(text.Length > 0, $"{method} {path}: {(int)response.StatusCode} with an empty body");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        TestPipeline pipeline,
        string method,
        string path,
        string json
    ) => SendAsync(pipeline, method, path, Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// A body whose <paramref name="marker"/>'s second byte is replaced by a UTF-8 lead byte without its continuation.
    /// </summary>
    public static byte[] NotUtf8(string json, string marker)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes[bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) + 1] = 0xC3;
        return bytes;
    }

    /// <summary>
    /// Asserts a structured 400 with <paramref name="code"/> naming <paramref name="detail"/> (pointer or parameter)
    /// <paramref name="at"/>.
    /// </summary>
    public static void AssertRefused(
        (HttpStatusCode Status, JsonElement Body) answer,
        string code,
        string detail,
        string at
    )
    {
        Assert.True(
            answer.Status == HttpStatusCode.BadRequest,
            $"expected 400, got {(int)answer.Status}: {answer.Body}"
        );
        var error = answer.Body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(at, error.GetProperty("details").GetProperty(detail).GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    /// <summary>
    /// The event ids on a catalog topic, read for a few seconds (long enough to see a record too many).
    /// </summary>
    public static HashSet<string> EventIdsOn(TestPipeline pipeline, string catalogTopic) =>
        TopicReader
            .ReadAll(pipeline.Kafka, catalogTopic, expected: int.MaxValue, TimeSpan.FromSeconds(3))
            .Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).EventId)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A trade fill with the given event_id; <paramref name="extra"/> is JSON text put after the cell.
    /// </summary>
    public static string Fill(Guid id, string instrument = "ACME", string extra = "", string ts = "") =>
        $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{id}\"{(ts.Length > 0 ? $",\"ts\":\"{ts}\"" : "")},"
        + $"\"series\":\"alpha\",\"cell\":\"0001\"{extra},"
        + $"\"payload\":{{\"instrument\":\"{instrument}\",\"side\":\"buy\",\"quantity\":1,\"price_micros\":1000"
        + $"000,\"currency\":\"USD\"}}}}";

    public static string Batch(params string[] events) => "{\"data\":[" + string.Join(",", events) + "]}";

    /// <summary>The per-event results of a 202/207 answer: (status, code, pointer).</summary>
    public static List<(string Status, string? Code, string? Pointer)> Results(JsonElement body) =>
        [
            .. body.GetProperty("data")
                .EnumerateArray()
                .Select(r =>
                    (
                        r.GetProperty("status").GetString()!,
                        r.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null,
                        r.TryGetProperty("error", out var p)
                            ? p.GetProperty("details").GetProperty("pointer").GetString()
                            : null
                    )
                ),
        ];
}
