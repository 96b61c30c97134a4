using System.Text.Json.Nodes;

namespace PitPlatform.Deployment.Tests;

/// <summary>The dev and prod snapshots, computed once per test run (each takes a few seconds).</summary>
internal static class DeploymentSnapshots
{
    private static readonly Lazy<JsonArray> DevSnapshot = new(() => BicepCli.Snapshot("dev"));
    private static readonly Lazy<JsonArray> ProdSnapshot = new(() => BicepCli.Snapshot("prod"));

    public static TheoryData<string> Environments => ["dev", "prod"];

    public static JsonArray Of(string environment) =>
        environment switch
        {
            "dev" => DevSnapshot.Value,
            "prod" => ProdSnapshot.Value,
            _ => throw new ArgumentOutOfRangeException(nameof(environment)),
        };

    public static IEnumerable<JsonObject> Resources(string environment, string type) =>
        Of(environment)
            .Select(r => r!.AsObject())
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>A snapshot name like "[format(...)]" stays an expression; a literal is the name as deployed.</summary>
    public static string Name(JsonObject resource) => (string)resource["name"]!;
}
