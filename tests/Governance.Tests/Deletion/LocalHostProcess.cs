using System.Diagnostics;
using System.Text;
using PitPlatform.Hosting;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// The local host as a real child process (the built PitPlatform.LocalHost.dll beside the tests), pointed at the
/// test's Postgres schema, Kafka prefix and Blob, so a test can kill it outright (no shutdown hooks run).
/// </summary>
internal sealed class LocalHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalHostProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static LocalHostProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PitPlatform.LocalHost.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PIT_HTTP_PORT"] = "0";
        info.Environment["PIT_LOG_FORMAT"] = "text";
        foreach (var (name, value) in settings)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var host = new LocalHostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL to the whole process tree: the host gets no chance to finish anything.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>The settings of a host on the test's components (keys and secrets are throwaway test values).</summary>
    public static Dictionary<string, string> Settings(
        string postgres,
        string kafkaBootstrap,
        string kafkaPrefix,
        string blob,
        string stateDirectory
    ) =>
        new()
        {
            [SettingNames.Postgres] = postgres,
            [SettingNames.KafkaBootstrap] = kafkaBootstrap,
            [SettingNames.KafkaPrefix] = kafkaPrefix,
            [SettingNames.Blob] = blob,
            [SettingNames.ArchiveContainer] = "archive-" + Guid.NewGuid().ToString("N")[..20],
            [SettingNames.ApiKeyPepper] = "test-pepper-" + Guid.NewGuid().ToString("N"),
            [SettingNames.RedactionSecret] = "test-redaction-secret-" + Guid.NewGuid().ToString("N"),
            ["PIT_STATE_DIR"] = stateDirectory,
            // One light consumer instead of all of them: the test is about the deletion driver.
            ["PIT_CONSUMERS"] = "nav-analytics",
        };
}
