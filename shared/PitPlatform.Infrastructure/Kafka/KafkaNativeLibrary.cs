using System.Reflection;
using System.Runtime.InteropServices;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// Binds librdkafka for Confluent.Kafka and for our own mock-cluster calls to the copy librdkafka.redist ships, loaded
/// by absolute path. A plain library name can bind a distribution's older librdkafka instead (Debian 12's 2.0.2, which
/// kcat pulls in), and Confluent.Kafka 2.x then fails on a missing entry point when it consumes. Confluent's own
/// Library.Load(path) is avoided: it looks for libdl by a name Debian 12 does not have.
/// </summary>
public static class KafkaNativeLibrary
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Registered = [];
    private static IntPtr _handle;

    /// <summary>The file the resolver loaded, once a librdkafka call has been made; null before.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>Installs the resolver once per assembly; safe to call from anywhere, any number of times.</summary>
    public static void EnsureResolver()
    {
        Register(typeof(Confluent.Kafka.Library).Assembly);
        Register(typeof(KafkaNativeLibrary).Assembly);
    }

    /// <summary>
    /// The redist's libraries in load order, for this process's platform: the main build first, then the one built for
    /// older glibc/SASL (on Debian 12 the main build needs libsasl2.so.3, which is absent, so the second one loads).
    /// </summary>
    public static IReadOnlyList<string> Candidates()
    {
        var rid = RuntimeRid();
        var names =
            OperatingSystem.IsLinux() ? new[] { "librdkafka.so", "centos8-librdkafka.so" }
            : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"]
            : ["librdkafka.dll"];
        var roots = new[]
        {
            AppContext.BaseDirectory,
            Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location),
        }
            .Where(root => !string.IsNullOrEmpty(root))
            .Distinct();
        return
        [
            .. roots.SelectMany(root => names.Select(name => Path.Combine(root!, "runtimes", rid, "native", name))),
        ];
    }

    private static string RuntimeRid()
    {
        var os =
            OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsMacOS() ? "osx"
            : "win";
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            _ => "x64",
        };
        return $"{os}-{arch}";
    }

    private static void Register(Assembly assembly)
    {
        lock (Gate)
        {
            if (!Registered.Add(assembly))
                return;
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone else already installed a resolver for this assembly; theirs wins.
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!name.Contains("rdkafka", StringComparison.OrdinalIgnoreCase))
            return IntPtr.Zero;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
                return _handle;
            foreach (var path in Candidates())
            {
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                {
                    LoadedPath = path;
                    return _handle = handle;
                }
            }
        }
        // No redist copy beside the app (an unusual publish layout): let the runtime search as it would.
        return IntPtr.Zero;
    }
}
