namespace PitPlatform.Testing;

/// <summary>Where a fixture's Kafka or Postgres comes from.</summary>
public enum ComponentSource
{
    /// <summary>Named by the fixture's own variable (PIT_TEST_POSTGRES, PIT_TEST_KAFKA_BOOTSTRAP).</summary>
    External,

    /// <summary>A Testcontainers container (PIT_TEST_CONTAINERS=true and a Docker engine).</summary>
    Container,

    /// <summary>The throwaway Postgres cluster and librdkafka's mock cluster, in or beside the test process.</summary>
    Embedded,
}

/// <summary>
/// The fixtures' precedence: an explicit component first, then containers when PIT_TEST_CONTAINERS asks for them,
/// else the embedded components. Containers are opt-in rather than picked whenever Docker answers, so a developer's
/// run stays the fast one with the mock-only fault tests, and a run that asked for containers without an engine
/// fails instead of quietly testing the mock.
/// </summary>
public static class TestComponents
{
    public const string ContainersVariable = "PIT_TEST_CONTAINERS";

    public static ComponentSource Choose(string externalVariable) =>
        Choose(
            Environment.GetEnvironmentVariable(externalVariable),
            Environment.GetEnvironmentVariable(ContainersVariable),
            () => DockerEngine.Available
        );

    /// <summary>The rule itself; Docker is only asked about when containers are requested.</summary>
    public static ComponentSource Choose(string? external, string? containers, Func<bool> dockerAvailable)
    {
        if (!string.IsNullOrEmpty(external))
            return ComponentSource.External;
        if (!IsOn(containers))
            return ComponentSource.Embedded;
        if (!dockerAvailable())
            throw new InvalidOperationException(
                $"{ContainersVariable}={containers} asks for Kafka and Postgres containers, but "
                    + $"{DockerEngine.NotFound}; unset it to use the embedded components"
            );
        return ComponentSource.Container;
    }

    private static bool IsOn(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");
}
