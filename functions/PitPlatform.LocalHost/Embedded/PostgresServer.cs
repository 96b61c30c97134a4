using Npgsql;

namespace PitPlatform.LocalHost.Embedded;

/// <summary>
/// A private PostgreSQL cluster run from the installed server binaries (Debian's postgresql package) in a directory
/// of ours: created on first use, reused afterwards, on 127.0.0.1 only, trust authentication (development only).
/// When running as root, the server runs as the postgres user, which PostgreSQL insists on.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _binaries;
    private bool _stopped;

    private PostgresServer(string binaries, string dataDirectory, int port)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 50,
        }.ConnectionString;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public string ConnectionString { get; }

    /// <param name="durable">false turns fsync off: faster, fine for throwaway test clusters.</param>
    public static async Task<PostgresServer> StartAsync(
        string dataDirectory,
        bool fresh = false,
        bool durable = true,
        CancellationToken cancellationToken = default
    )
    {
        var binaries = FindBinaries();
        dataDirectory = Path.GetFullPath(dataDirectory);
        var server = new PostgresServer(binaries, dataDirectory, FreePort.Find());
        if (fresh && Directory.Exists(dataDirectory))
        {
            await server.StopIfRunningAsync(cancellationToken).ConfigureAwait(false);
            Directory.Delete(dataDirectory, recursive: true);
        }
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            await server.InitAsync(cancellationToken).ConfigureAwait(false);
        else
            await server.StopIfRunningAsync(cancellationToken).ConfigureAwait(false); // left over from a killed run
        var options = $"-c listen_addresses=127.0.0.1 -p {server.Port} -k {dataDirectory} -c max_connections=200";
        // fsync off survives a server crash (only an OS crash loses data); synchronous_commit stays on so an
        // immediate stop in a fault test never loses a commit the client saw.
        if (!durable)
            options += " -c fsync=off";
        await server
            .PgCtlAsync(
                [
                    "-D",
                    dataDirectory,
                    "-o",
                    options,
                    "-l",
                    Path.Combine(dataDirectory, "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                cancellationToken
            )
            .ConfigureAwait(false);
        return server;
    }

    /// <summary>Stops the server as a crash would (immediate), or gracefully.</summary>
    public async Task StopAsync(bool immediate = false, CancellationToken cancellationToken = default)
    {
        await PgCtlAsync(["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], cancellationToken)
            .ConfigureAwait(false);
        _stopped = true;
    }

    /// <summary>Starts a stopped server again on the same port.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDirectory} -c max_connections=200";
        await PgCtlAsync(
                [
                    "-D",
                    DataDirectory,
                    "-o",
                    options,
                    "-l",
                    Path.Combine(DataDirectory, "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                cancellationToken
            )
            .ConfigureAwait(false);
        _stopped = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
            return;
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException) { }
    }

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(DataDirectory)!;
        Directory.CreateDirectory(parent);
        Directory.CreateDirectory(DataDirectory);
        if (IsRoot && !OperatingSystem.IsWindows())
        {
            // The server runs as postgres: it must own its directory and reach it through the parent.
            File.SetUnixFileMode(
                parent,
                File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute
            );
            await ProcessRunner
                .RunAsync(
                    "chown",
                    ["-R", "postgres:postgres", DataDirectory],
                    TimeSpan.FromSeconds(30),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        await RunAsync(
                "initdb",
                ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    private async Task StopIfRunningAsync(CancellationToken cancellationToken)
    {
        var (status, _, _) = await ProcessRunner
            .TryRunAsync(
                Command("pg_ctl").File,
                Command("pg_ctl").Prefix.Concat(["-D", DataDirectory, "status"]),
                TimeSpan.FromSeconds(30),
                cancellationToken
            )
            .ConfigureAwait(false);
        if (status == 0)
            await PgCtlAsync(["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken)
                .ConfigureAwait(false);
    }

    private Task PgCtlAsync(string[] arguments, CancellationToken cancellationToken) =>
        RunAsync("pg_ctl", arguments, cancellationToken);

    private async Task RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var (file, prefix) = Command(tool);
        await ProcessRunner
            .RunAsync(file, prefix.Concat(arguments), TimeSpan.FromSeconds(90), cancellationToken)
            .ConfigureAwait(false);
    }

    private (string File, string[] Prefix) Command(string tool)
    {
        var path = Path.Combine(_binaries, tool);
        return IsRoot ? ("runuser", ["-u", "postgres", "--", path]) : (path, []);
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>PIT_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else the PATH.</summary>
    public static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("PIT_PG_BIN") is { Length: > 0 } configured)
            return configured;
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory
                .GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "bin", "initdb")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
                return Path.Combine(newest.Dir, "bin");
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':')
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        return onPath
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries not found: install them (apt-get install postgresql) or set PIT_PG_BIN"
            );
    }
}
