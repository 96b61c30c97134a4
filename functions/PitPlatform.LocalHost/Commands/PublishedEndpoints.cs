using System.Text.Json;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// The endpoints a running local host resolved (embedded Kafka's port changes on every start), written to
/// {state}/endpoints.json while it runs so operator commands in another terminal can reach the same pipeline.
/// Only local development endpoints are written; configured ones stay in the environment they came from.
/// </summary>
public static class PublishedEndpoints
{
    public const string FileName = "endpoints.json";

    public static void Write(string stateDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        var path = Path.Combine(stateDirectory, FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static void Delete(string stateDirectory) => File.Delete(Path.Combine(stateDirectory, FileName));

    public static IReadOnlyDictionary<string, string?> Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string?>>(File.ReadAllText(path)) ?? []
            : new Dictionary<string, string?>();
    }
}
