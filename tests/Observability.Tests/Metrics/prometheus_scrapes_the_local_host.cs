using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian's prometheus package, which ./pit setup installs) scrapes the local host every
/// second and answers a query for the ingest counter with the value the host counted.
/// </summary>
public sealed class prometheus_scrapes_the_local_host(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_prometheus_server_scrapes_the_ingest_counter_from_the_local_host()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        Assert.Equal(
            HttpStatusCode.Accepted,
            (await pipeline.PostEventsAsync(Fills.One(Fills.NewSeries("scrape")), Ct)).StatusCode
        );

        await using var prometheus = PrometheusServer.Start(pipeline.Host.BaseAddress);
        using var http = new HttpClient { BaseAddress = prometheus.Address };
        var value = await Eventually.WaitForAsync(
            async () =>
            {
                if (prometheus.HasExited)
                    throw new InvalidOperationException("prometheus exited:\n" + prometheus.Output);
                try
                {
                    var json = await http.GetStringAsync(
                        "/api/v1/query?query="
                            + Uri.EscapeDataString("sum(pit_ingest_events_total{outcome=\"accepted\"})"),
                        Ct
                    );
                    var result = JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("result");
                    return result.GetArrayLength() == 0
                        ? 0
                        : double.Parse(
                            result[0].GetProperty("value")[1].GetString()!,
                            System.Globalization.CultureInfo.InvariantCulture
                        );
                }
                catch (HttpRequestException)
                {
                    return 0; // not listening yet
                }
            },
            v => v >= 1,
            TimeSpan.FromSeconds(60),
            "Prometheus to scrape pit_ingest_events_total"
        );
        Assert.True(value >= 1);
    }

    /// <summary>Prometheus on a free port with a generated configuration and a throwaway database directory.</summary>
    private sealed class PrometheusServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly System.Text.StringBuilder _output = new();

        private PrometheusServer(Process process, string directory, Uri address)
        {
            _process = process;
            _directory = directory;
            Address = address;
        }

        public Uri Address { get; }
        public bool HasExited => _process.HasExited;
        public string Output
        {
            get
            {
                lock (_output)
                    return _output.ToString();
            }
        }

        public static PrometheusServer Start(Uri target)
        {
            var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "prometheus is not installed: ./pit setup installs it (apt package prometheus)"
                );
            var directory = Path.Combine(
                Path.GetTempPath(),
                "pit-tests",
                "prometheus-" + Guid.NewGuid().ToString("N")[..12]
            );
            Directory.CreateDirectory(directory);
            var config = Path.Combine(directory, "prometheus.yml");
            File.WriteAllText(
                config,
                $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: pit-local-host
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['{target.Authority}']
                """
            );
            var port = FreePort();
            var info = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--config.file=" + config);
            info.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(directory, "data"));
            info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
            var process = new Process { StartInfo = info };
            var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        private void Append(string? line)
        {
            if (line is null)
                return;
            lock (_output)
                _output.AppendLine(line);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException) { }
        }
    }
}
