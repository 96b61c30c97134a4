using System.Text.Json;

namespace PitPlatform.Functions.Tests.Metadata;

/// <summary>
/// The functions.metadata the Worker SDK generated for this build of the app: what the Functions host indexes in
/// Azure. Read from the app's own output folder, in the configuration the tests were built in.
/// </summary>
public sealed record FunctionsMetadata(IReadOnlyList<FunctionEntry> Functions)
{
    public static readonly Lazy<FunctionsMetadata> App = new(Load);

    public IEnumerable<FunctionEntry> WithTrigger(string type) => Functions.Where(f => f.Trigger.Type == type);

    public static string Path()
    {
        // bin/<Configuration>/net10.0/ of this test project; the app builds into the same shape.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = output.Parent!.Name;
        return Repository.Path(
            "functions",
            "PitPlatform.Functions",
            "bin",
            configuration,
            output.Name,
            "functions.metadata"
        );
    }

    private static FunctionsMetadata Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path()));
        return new FunctionsMetadata([.. document.RootElement.EnumerateArray().Select(FunctionEntry.Read)]);
    }
}

/// <summary>One function: its name, entry point, bindings (the trigger first among them) and retry policy.</summary>
public sealed record FunctionEntry(string Name, string EntryPoint, IReadOnlyList<Binding> Bindings, JsonElement? Retry)
{
    public Binding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));

    public static FunctionEntry Read(JsonElement function) =>
        new(
            function.GetProperty("name").GetString()!,
            function.GetProperty("entryPoint").GetString()!,
            [.. function.GetProperty("bindings").EnumerateArray().Select(b => new Binding(b.Clone()))],
            function.TryGetProperty("retry", out var retry) ? retry.Clone() : null
        );
}

/// <summary>A binding as JSON, with typed access to the properties the tests read.</summary>
public sealed record Binding(JsonElement Json)
{
    public string Type => Text("type")!;

    public string? Text(string property) =>
        Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public IReadOnlyList<string> Methods =>
        Json.TryGetProperty("methods", out var methods)
            ? [.. methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())]
            : [];
}
