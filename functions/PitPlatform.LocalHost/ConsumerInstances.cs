namespace PitPlatform.LocalHost;

/// <summary>
/// How many consumers the local host runs in each consumer group: the stand-in for the Functions app scaling a Kafka
/// trigger out to more instances. Two NAV processors keep both cores busy: while one batch waits for Kafka to
/// acknowledge its NAV updates, the other's is in Postgres (one: 15.5k fills/s with a third of the CPU idle; two:
/// 25k/s; three no better). Every other group runs one consumer: their batch windows already make their batches large.
/// PIT_CONSUMER_INSTANCES overrides, e.g. <c>nav-processor=3,archiver=2</c>.
/// </summary>
public sealed class ConsumerInstances
{
    public const string Setting = "PIT_CONSUMER_INSTANCES";

    private static readonly Dictionary<string, int> Defaults = new(StringComparer.Ordinal) { ["nav-processor"] = 2 };

    private readonly Dictionary<string, int> _counts;
    private readonly HashSet<string> _named = new(StringComparer.Ordinal);

    public ConsumerInstances(string? setting)
    {
        _counts = new Dictionary<string, int>(Defaults, StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(setting)) return;
        foreach (var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var count) || count is < 1 or > 64)
                throw new InvalidOperationException($"{Setting}: '{entry}' is not group=count with a count from 1 to 64");
            _counts[parts[0]] = count;
            _named.Add(parts[0]);
        }
    }

    public static ConsumerInstances FromEnvironment() => new(Environment.GetEnvironmentVariable(Setting));

    /// <summary>The groups the setting names, to check them against the registered consumers.</summary>
    public IReadOnlyCollection<string> Named => _named;

    public int For(string group) => _counts.GetValueOrDefault(group, 1);
}
