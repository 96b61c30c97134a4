using System.Diagnostics;
using System.Globalization;

namespace PitPlatform.LocalHost.Embedded;

/// <summary>
/// Azurite's Blob service, started from the repository's node_modules (npm install puts it there), on 127.0.0.1.
/// A pid file lets the next start end an Azurite left behind by a killed run.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's fixed development account, published in Azurite's documentation; it protects nothing.
    private const string Account = "devstoreaccount1";
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _pidFile;

    private AzuriteServer(Process process, int port, string pidFile)
    {
        _process = process;
        _pidFile = pidFile;
        Port = port;
        BlobEndpoint = $"http://127.0.0.1:{port}/{Account}";
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";
    }

    public int Port { get; }
    public string BlobEndpoint { get; }
    public string ConnectionString { get; }

    public static async Task<AzuriteServer> StartAsync(
        string dataDirectory,
        CancellationToken cancellationToken = default
    )
    {
        var executable = FindExecutable();
        Directory.CreateDirectory(dataDirectory);
        var pidFile = Path.Combine(dataDirectory, "azurite.pid");
        KillLeftover(pidFile);
        var port = FreePort.Find();
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (
            var argument in new[]
            {
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                port.ToString(CultureInfo.InvariantCulture),
                "--location",
                dataDirectory,
                "--disableTelemetry",
                "--loose",
                "--skipApiVersionCheck",
                "--silent",
            }
        )
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await File.WriteAllTextAsync(pidFile, process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken)
            .ConfigureAwait(false);
        var server = new AzuriteServer(process, port, pidFile);
        try
        {
            await FreePort
                .WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => !process.HasExited, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Azurite did not start listening on {port}"
                    + (process.HasExited ? $" (exit code {process.ExitCode})" : "")
            );
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        if (File.Exists(_pidFile))
            File.Delete(_pidFile);
    }

    private static void KillLeftover(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile), out var pid))
            return;
        try
        {
            using var leftover = Process.GetProcessById(pid);
            if (leftover.ProcessName.Contains("node", StringComparison.OrdinalIgnoreCase))
                leftover.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    /// <summary>PIT_AZURITE, else node_modules/.bin/azurite-blob under the repository root.</summary>
    public static string FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("PIT_AZURITE") is { Length: > 0 } configured)
            return configured;
        var root = RepositoryRoot.Find();
        var candidate = root is null ? null : Path.Combine(root, "node_modules", ".bin", "azurite-blob");
        return candidate is not null && File.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException(
                "Azurite not found: run `npm ci` at the repository root, set PIT_AZURITE, or set PIT_BLOB to "
                    + "a storage account"
            );
    }
}
