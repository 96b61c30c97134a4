namespace PitPlatform.Contracts.Schema;

/// <summary>
/// One way an instance breaks the schema: where (a JSON pointer), which keyword, and a readable message.
/// </summary>
public sealed record SchemaError(string Pointer, string Keyword, string Message)
{
    /// <summary>The keyword of an error about the event's type member when no event definition has that type.</summary>
    public const string UnknownType = "type-discriminator";

    /// <summary>
    /// The keyword of an error about text that is not text (an unpaired surrogate, bytes that are not UTF-8):
    /// <see cref="StorableText"/>.
    /// </summary>
    public const string Text = "text";
}
