namespace PitPlatform.Contracts.Schema;

/// <summary>One way an instance breaks the schema: where (a JSON pointer), which keyword, and a readable message.</summary>
public sealed record SchemaError(string Pointer, string Keyword, string Message)
{
    /// <summary>The keyword of an error about the event's type member when no event definition has that type.</summary>
    public const string UnknownType = "type-discriminator";
}
