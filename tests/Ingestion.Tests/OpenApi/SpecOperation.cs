using System.Text.Json;

namespace PitPlatform.Ingestion.Tests.OpenApi;

/// <summary>
/// One operation of the spec. Its documented requests are "cases": the request body examples and the parameter
/// examples, where examples with the same name (across the body and the parameters) form one request. A parameter
/// without an example of that name takes its single <c>example</c>, or is left out. A case whose name is also the
/// name of a response example expects that response's status; a case without one expects a 2xx.
/// </summary>
internal sealed class SpecOperation(ApiSpec spec, string method, string path, JsonElement node)
{
    /// <summary>The case of an operation that documents no request examples: the bare request.</summary>
    public const string BareRequest = "request";

    public string Method { get; } = method;

    public string Path { get; } = path;

    public JsonElement Node { get; } = node;

    public string Id => $"{Method} {Path}";

    public string OperationId => Node.GetProperty("operationId").GetString()!;

    /// <summary>
    /// The scopes of the operation's security requirements (alternatives); null when it needs no key.
    /// </summary>
    public IReadOnlyList<string>? Scopes
    {
        get
        {
            var security = Node.TryGetProperty("security", out var own) ? own : spec.Root.GetProperty("security");
            if (security.GetArrayLength() == 0)
                return null;
            // Several requirements are alternatives (admin or approver): any one of their scopes lets the key in.
            var requirements = security.EnumerateArray().Select(r => r.EnumerateObject().Single());
            return [.. requirements.SelectMany(r => r.Value.EnumerateArray().Select(s => s.GetString()!)).Distinct()];
        }
    }

    public IReadOnlyList<JsonElement> Parameters =>
        Node.TryGetProperty("parameters", out var parameters)
            ? [.. parameters.EnumerateArray().Select(spec.Resolve)]
            : [];

    /// <summary>The application/json media type of the request body, if the operation takes one.</summary>
    public JsonElement? RequestMedia =>
        Node.TryGetProperty("requestBody", out var body)
        && spec.Resolve(body).GetProperty("content").TryGetProperty("application/json", out var media)
            ? media
            : null;

    public IReadOnlyDictionary<string, JsonElement> RequestExamples => Examples(RequestMedia);

    public IReadOnlyDictionary<int, JsonElement> Responses =>
        Node.GetProperty("responses")
            .EnumerateObject()
            .ToDictionary(
                r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture),
                r => spec.Resolve(r.Value)
            );

    /// <summary>The application/json media type of a response, or null for a response without a body.</summary>
    public JsonElement? ResponseMedia(int status) =>
        Responses[status].TryGetProperty("content", out var content)
        && content.TryGetProperty("application/json", out var media)
            ? media
            : null;

    public IReadOnlyDictionary<string, JsonElement> ResponseExamples(int status) => Examples(ResponseMedia(status));

    /// <summary>Every documented request of the operation, by name, in the order the spec first names them.</summary>
    public IReadOnlyList<string> Cases
    {
        get
        {
            var names = RequestExamples
                .Keys.Concat(
                    Parameters.SelectMany(p =>
                        p.TryGetProperty("examples", out var e) ? e.EnumerateObject().Select(x => x.Name) : []
                    )
                )
                .Distinct()
                .ToList();
            return names.Count > 0 ? names : [BareRequest];
        }
    }

    /// <summary>The status whose response examples include <paramref name="caseName"/>, if any.</summary>
    public int? PairedStatus(string caseName)
    {
        var statuses = Responses.Keys.Where(s => ResponseExamples(s).ContainsKey(caseName)).ToList();
        if (statuses.Count > 1)
            throw new InvalidDataException(
                $"{Id}: the response examples of {string.Join(", ", statuses)} are all named {caseName}"
            );
        return statuses.Count == 1 ? statuses[0] : null;
    }

    /// <summary>The request documented as <paramref name="caseName"/>: path, query string, headers and body.</summary>
    public SpecRequest Request(string caseName)
    {
        var target = Path;
        var query = new List<string>();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in Parameters)
        {
            var name = parameter.GetProperty("name").GetString()!;
            var location = parameter.GetProperty("in").GetString();
            var required = parameter.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
            JsonElement? value =
                parameter.TryGetProperty("examples", out var examples)
                && examples.TryGetProperty(caseName, out var named)
                    ? spec.Resolve(named).GetProperty("value")
                : parameter.TryGetProperty("example", out var single) ? single
                : null;
            if (value is null)
            {
                if (required)
                    throw new InvalidDataException(
                        $"{Id}: required parameter {name} has no example for the request {caseName}"
                    );
                continue;
            }
            var text =
                value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText();
            switch (location)
            {
                case "path":
                    target = target.Replace("{" + name + "}", Uri.EscapeDataString(text), StringComparison.Ordinal);
                    break;
                case "query":
                    query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(text)}");
                    break;
                case "header":
                    headers[name] = text;
                    break;
                default:
                    throw new NotSupportedException($"{Id}: parameters in {location}");
            }
        }
        string? body = null;
        if (RequestMedia is not null)
        {
            var bodies = RequestExamples;
            if (!bodies.TryGetValue(caseName, out var example))
                throw new InvalidDataException($"{Id}: the request {caseName} has no body example of that name");
            body = example.GetRawText();
        }
        return new SpecRequest(
            Method,
            query.Count == 0 ? target : target + "?" + string.Join("&", query),
            headers,
            body
        );
    }

    private Dictionary<string, JsonElement> Examples(JsonElement? media) =>
        media is { } m && m.TryGetProperty("examples", out var examples)
            ? examples.EnumerateObject().ToDictionary(e => e.Name, e => spec.Resolve(e.Value).GetProperty("value"))
            : [];

    public override string ToString() => Id;
}

/// <summary>A request as the spec documents it.</summary>
internal sealed record SpecRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string? Body
);
