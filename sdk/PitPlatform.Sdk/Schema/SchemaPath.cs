namespace PitPlatform.Sdk.Schema;

/// <summary>
/// Where validation is: a base pointer plus member names, made into a JSON pointer only for an error.
/// </summary>
internal sealed class SchemaPath(string basePointer)
{
    private readonly List<string> _tokens = [];

    public void Push(string token) => _tokens.Add(token);

    public void Pop() => _tokens.RemoveAt(_tokens.Count - 1);

    public string Pointer =>
        _tokens.Count == 0 ? basePointer : basePointer + "/" + string.Join("/", _tokens.Select(Escape));

    public string Child(string token) => Pointer + "/" + Escape(token);

    public string Name => _tokens.Count == 0 ? "the value" : $"'{_tokens[^1]}'";

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
