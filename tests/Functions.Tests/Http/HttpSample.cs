namespace PitPlatform.Functions.Tests.Http;

/// <summary>One request, sent as it is to both hosts.</summary>
public sealed record HttpSample(string Method, string PathAndQuery, string? Json = null)
{
    public string Path => PathAndQuery.Split('?')[0];

    public string Query =>
        PathAndQuery.Contains('?', StringComparison.Ordinal)
            ? PathAndQuery[PathAndQuery.IndexOf('?', StringComparison.Ordinal)..]
            : "";

    public override string ToString() => $"{Method} {PathAndQuery}";
}
