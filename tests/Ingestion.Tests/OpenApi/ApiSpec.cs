using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PitPlatform.Contracts.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PitPlatform.Ingestion.Tests.OpenApi;

/// <summary>
/// docs/API_SPEC.yaml read into System.Text.Json, with the operations, their documented requests (examples) and
/// responses. YAML scalars are typed as YAML 1.2's core schema types them (what the linter's parser does too): plain
/// null/true/false/numbers become JSON null, booleans and numbers, everything else (and every quoted scalar) a string.
/// </summary>
internal sealed partial class ApiSpec
{
    public static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private static readonly Lazy<ApiSpec> Loaded = new(() => Parse(File.ReadAllText(RepositoryFiles.ApiSpec)));

    private ApiSpec(JsonElement root)
    {
        Root = root;
        Schemas = new SpecSchema(root);
        Operations =
        [
            .. root.GetProperty("paths")
                .EnumerateObject()
                .SelectMany(path =>
                    path.Value.EnumerateObject()
                        .Where(m => Methods.Contains(m.Name))
                        .Select(m => new SpecOperation(this, m.Name.ToUpperInvariant(), path.Name, m.Value))
                ),
        ];
    }

    public static ApiSpec Current => Loaded.Value;

    public JsonElement Root { get; }

    public SpecSchema Schemas { get; }

    public IReadOnlyList<SpecOperation> Operations { get; }

    public SpecOperation Operation(string id) =>
        Operations.SingleOrDefault(o => o.Id == id)
        ?? throw new InvalidOperationException($"{id} is not in docs/API_SPEC.yaml");

    public static ApiSpec Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = ToJson(stream.Documents.Single().RootNode);
        return new ApiSpec(JsonSerializer.SerializeToElement(json));
    }

    /// <summary>Follows a local $ref (responses, parameters, headers, examples) to the object it names.</summary>
    public JsonElement Resolve(JsonElement node)
    {
        for (
            var hops = 0;
            node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference);
            hops++
        )
        {
            if (hops > 16)
                throw new InvalidDataException($"$ref loop at {reference}");
            node = At(reference.GetString()!);
        }
        return node;
    }

    /// <summary>The node at a local reference (#/a/b).</summary>
    public JsonElement At(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
            throw new NotSupportedException($"only local references are supported: {reference}");
        var node = Root;
        foreach (var token in reference[2..].Split('/'))
        {
            if (!node.TryGetProperty(JsonPointer.Unescape(token), out node))
                throw new InvalidDataException($"{reference} does not resolve");
        }
        return node;
    }

    private static JsonNode? ToJson(YamlNode node) =>
        node switch
        {
            YamlMappingNode mapping => new JsonObject(
                mapping.Children.Select(child =>
                    KeyValuePair.Create(((YamlScalarNode)child.Key).Value ?? "", ToJson(child.Value))
                )
            ),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
            YamlScalarNode scalar => Scalar(scalar),
            _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
        };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (Integer().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                ? JsonValue.Create(whole)
                : JsonValue.Create(decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
        if (Float().IsMatch(text))
            return JsonValue.Create(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}

/// <summary>Paths in the checkout the tests run from.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ApiSpec => Path.Combine(Root, "docs", "API_SPEC.yaml");

    public static string EventSchema => Path.Combine(Root, "docs", "EVENT_SCHEMA.json");

    public static string Shared => Path.Combine(Root, "shared");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PitPlatform.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("PitPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
