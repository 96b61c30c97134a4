using System.Collections.Concurrent;
using System.Diagnostics;

namespace PitPlatform.Billing.Tests.Support;

/// <summary>
/// The local host as a real process (the same executable ./pit up runs), with the environment a test gives it; every
/// line it writes to stdout and stderr is kept for the test to inspect.
/// </summary>
internal sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _stateDirectory;

    private LocalHostProcess(Process process, string stateDirectory)
    {
        _process = process;
        _stateDirectory = stateDirectory;
    }

    public ConcurrentQueue<string> Lines { get; } = new();
    public Uri? BaseAddress { get; private set; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static LocalHostProcess Start(IDictionary<string, string> environment)
    {
        var state = Path.Combine(Path.GetTempPath(), "pit-tests", "proc-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PitPlatform.LocalHost.dll"));
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("PIT_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        info.Environment["PIT_STATE_DIR"] = state;
        info.Environment["PIT_HTTP_PORT"] = "0";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var host = new LocalHostProcess(process, state);
        process.OutputDataReceived += (_, e) => host.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Receive(string? line)
    {
        if (line is null)
            return;
        Lines.Enqueue(line);
        const string listening = "PIT local host listening on ";
        if (line.StartsWith(listening, StringComparison.Ordinal))
            BaseAddress = new Uri(line[listening.Length..].Trim() + "/");
    }

    /// <summary>Waits until the host listens (true) or exits (false).</summary>
    public async Task<bool> WaitUntilListeningOrExitedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (BaseAddress is not null)
                return true;
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the redirected streams
                return false;
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException(
            $"the local host neither listened nor exited within {timeout}:\n{string.Join('\n', Lines)}"
        );
    }

    private bool _disposed;

    /// <summary>
    /// Kills the host if it still runs; safe to call twice (tests stop it early to read everything it wrote).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (Directory.Exists(_stateDirectory))
            Directory.Delete(_stateDirectory, recursive: true);
    }
}
