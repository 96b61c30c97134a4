namespace PitPlatform.Contracts.Schema;

/// <summary>
/// Where the validator is in the instance: a base pointer plus a stack of member names, turned into a JSON pointer
/// only when an error is reported, so a valid event costs no pointer strings.
/// </summary>
internal sealed class SchemaPath(string basePointer)
{
    private readonly List<string> _tokens = [];

    public void Push(string token) => _tokens.Add(token);

    public void Pop() => _tokens.RemoveAt(_tokens.Count - 1);

    public string Pointer =>
        _tokens.Count == 0 ? basePointer : basePointer + "/" + string.Join("/", _tokens.Select(JsonPointer.Escape));

    public string Child(string token) => Pointer + "/" + JsonPointer.Escape(token);

    /// <summary>The member the path ends at, for messages ("'quantity' must be ...").</summary>
    public string Name => _tokens.Count == 0 ? "the value" : $"'{_tokens[^1]}'";
}
