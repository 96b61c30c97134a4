using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// How the fixtures choose Kafka and Postgres: explicit variable, then containers on request, then embedded.
/// </summary>
public sealed class test_component_precedence
{
    private static readonly Func<bool> DockerFound = () => true;
    private static readonly Func<bool> NoDocker = () => false;

    [Fact]
    public void an_explicit_component_wins_over_the_containers_switch() =>
        Assert.Equal(ComponentSource.External, TestComponents.Choose("localhost:9092", "true", DockerFound));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("false")]
    public void without_the_switch_the_embedded_components_run_and_docker_is_never_asked(string? containers) =>
        Assert.Equal(
            ComponentSource.Embedded,
            TestComponents.Choose(null, containers, () => throw new InvalidOperationException("Docker was asked"))
        );

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("1")]
    public void the_switch_chooses_containers_when_a_docker_engine_answers(string containers) =>
        Assert.Equal(ComponentSource.Container, TestComponents.Choose(null, containers, DockerFound));

    [Fact]
    public void the_switch_without_a_docker_engine_fails_instead_of_falling_back_to_the_mock()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestComponents.Choose(null, "true", NoDocker));

        Assert.Contains(TestComponents.ContainersVariable, error.Message);
        Assert.Contains("no Docker engine was found", error.Message);
    }
}
