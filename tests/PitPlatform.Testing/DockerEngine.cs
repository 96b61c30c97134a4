using DotNet.Testcontainers.Configurations;

namespace PitPlatform.Testing;

/// <summary>
/// Whether Testcontainers can reach a Docker engine (our machines have none; GitHub's ubuntu runner has one).
/// </summary>
public static class DockerEngine
{
    public const string NotFound =
        "no Docker engine was found (Testcontainers found no endpoint: DOCKER_HOST, "
        + "~/.testcontainers.properties or /var/run/docker.sock)";

    /// <summary>Testcontainers resolves the endpoint once per process and caches it, so asking again is free.</summary>
    public static bool Available => TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
}
