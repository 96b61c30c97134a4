using System.Reflection;
using System.Runtime.InteropServices;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// Finds librdkafka for Confluent.Kafka and for our own mock-cluster calls: the library bundled by librdkafka.redist
/// first (full NuGet), then Debian's librdkafka.so.1 (our machines). Confluent's own Library.Load(path) is avoided:
/// it looks for libdl by a name Debian 12 does not have.
/// </summary>
public static class KafkaNativeLibrary
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Registered = [];

    /// <summary>Installs the resolver once per assembly; safe to call from anywhere, any number of times.</summary>
    public static void EnsureResolver()
    {
        Register(typeof(Confluent.Kafka.Library).Assembly);
        Register(typeof(KafkaNativeLibrary).Assembly);
    }

    private static void Register(Assembly assembly)
    {
        lock (Gate)
        {
            if (!Registered.Add(assembly)) return;
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
        if (!name.Contains("rdkafka", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
        if (NativeLibrary.TryLoad(name, assembly, searchPath, out var handle)) return handle;
        foreach (var candidate in new[] { "librdkafka.so.1", "librdkafka.so", "librdkafka.dylib", "librdkafka.dll" })
        {
            if (NativeLibrary.TryLoad(candidate, out handle)) return handle;
        }
        return IntPtr.Zero;
    }
}
