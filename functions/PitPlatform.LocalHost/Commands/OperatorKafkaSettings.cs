using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// The Kafka settings an operator command needs, and only those (a command must not require the API-key pepper to
/// read a topic). The same setting names as the hosts; a missing or malformed one fails with each named.
/// </summary>
public static class OperatorKafkaSettings
{
    public static KafkaSettings FromConfiguration(IConfiguration configuration)
    {
        var problems = new List<string>();
        var settings = KafkaSettingsReader.Read(
            configuration,
            problems,
            "Kafka bootstrap servers; or run ./pit up in another terminal, whose endpoints are used"
        );
        if (problems.Count > 0)
            throw new MissingSettingsException(problems);
        return settings;
    }
}
