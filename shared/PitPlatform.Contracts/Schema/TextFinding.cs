namespace PitPlatform.Contracts.Schema;

/// <summary>
/// One JSON string whose text no store can hold: where (a JSON pointer), the member it belongs to (null for a value
/// outside any member), whether the member's name itself is at fault, and why.
/// </summary>
public sealed record TextFinding(string Pointer, string? Name, bool IsName, TextFault Fault)
{
    /// <summary>
    /// A readable message, the same in the server and the SDK: "'instrument' holds U+0000, which cannot be stored".
    /// </summary>
    public string Message =>
        $"{(IsName ? "a member name" : Name is null ? "the value" : $"'{Name}'")} {Describe(Fault)}";

    public static string Describe(TextFault fault) =>
        fault switch
        {
            TextFault.Nul => "holds U+0000, which cannot be stored",
            TextFault.UnpairedSurrogate => "holds an unpaired UTF-16 surrogate, which is not text",
            TextFault.InvalidUtf8 => "is not valid UTF-8",
            _ => "is text",
        };
}
