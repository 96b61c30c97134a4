namespace PitPlatform.LocalHost;

/// <summary>
/// How many consumers the local host runs in each consumer group: the stand-in for the Functions app scaling a Kafka
/// trigger out to more instances. One per group unless PIT_CONSUMER_INSTANCES says otherwise, e.g.
/// <c>nav-processor=2</c>: two NAV processors keep both cores busy under load (while one batch waits for Kafka to
/// acknowledge its NAV updates, the other's is in Postgres; one left a third of the CPU idle, three were no better
/// than two), which is what <c>./pit load nav</c> measures.
/// </summary>
public sealed class ConsumerInstances
{
    public const string Setting = "PIT_CONSUMER_INSTANCES";

    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public ConsumerInstances(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
            return;
        foreach (
            var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        )
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (
                parts.Length != 2
                || parts[0].Length == 0
                || !int.TryParse(parts[1], out var count)
                || count is < 1 or > 64
            )
                throw new InvalidOperationException(
                    $"{Setting}: '{entry}' is not group=count with a count from 1 to 64"
                );
            _counts[parts[0]] = count;
        }
    }

    public static ConsumerInstances FromEnvironment() => new(Environment.GetEnvironmentVariable(Setting));

    /// <summary>The groups the setting names, to check them against the registered consumers.</summary>
    public IReadOnlyCollection<string> Named => _counts.Keys;

    public int For(string group) => _counts.GetValueOrDefault(group, 1);

    /// <summary>True when some group runs more than one consumer.</summary>
    public bool SharesAnyGroup => _counts.Values.Any(count => count > 1);
}
