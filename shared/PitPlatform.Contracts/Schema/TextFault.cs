namespace PitPlatform.Contracts.Schema;

/// <summary>Why no store can hold a JSON string's text (<see cref="StorableText"/>).</summary>
public enum TextFault
{
    None,

    /// <summary>U+0000 (<c>\u0000</c>): Postgres text cannot hold it.</summary>
    Nul,

    /// <summary>
    /// A high surrogate escape without its low surrogate, or a low one alone: not Unicode text at all.
    /// </summary>
    UnpairedSurrogate,

    /// <summary>Bytes that are not UTF-8.</summary>
    InvalidUtf8,
}
