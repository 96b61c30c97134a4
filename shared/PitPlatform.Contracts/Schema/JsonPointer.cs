namespace PitPlatform.Contracts.Schema;

/// <summary>RFC 6901 escaping of one reference token.</summary>
public static class JsonPointer
{
    public static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

    public static string Unescape(string token) => token.Replace("~1", "/").Replace("~0", "~");
}
