using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Tracing;

/// <summary>
/// OTEL_EXPORTER_OTLP_ENDPOINT points the local host at a collector: the spans of an ingest reach it over OTLP/HTTP
/// (a stand-in collector that keeps what it receives).
/// </summary>
public sealed class otlp_export(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_ingest_trace_reaches_the_otlp_collector_the_setting_names()
    {
        using var collector = new OtlpCollector();
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            runConsumers: false,
            settings: new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            }
        );
        var trace = ActivityTraceId.CreateRandom();
        using var caller = new TraceCaller(pipeline);
        Assert.Equal(
            HttpStatusCode.Accepted,
            (await caller.PostEventsAsync(Fills.One(Fills.NewSeries("otlp")), trace, Ct)).StatusCode
        );

        // The OTLP body is protobuf: the trace id is there as its 16 raw bytes.
        var traceBytes = Convert.FromHexString(trace.ToHexString());
        await Eventually.WaitForAsync(
            () => Task.FromResult(collector.Received("/v1/traces").Count(b => b.AsSpan().IndexOf(traceBytes) >= 0)),
            n => n > 0,
            TimeSpan.FromSeconds(30),
            "the ingest trace at the collector"
        );
    }

    /// <summary>Answers 200 to every OTLP/HTTP export and keeps the bodies by path.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, byte[] Body)> _received = [];

        public OtlpCollector()
        {
            var port = FreePort();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public List<byte[]> Received(string path)
        {
            lock (_received)
                return _received.Where(r => r.Path == path).Select(r => r.Body).ToList();
        }

        public string Paths()
        {
            lock (_received)
                return string.Join(", ", _received.Select(r => $"{r.Path} ({r.Body.Length} bytes)"));
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_received)
                    _received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public void Dispose() => _listener.Close();
    }
}
