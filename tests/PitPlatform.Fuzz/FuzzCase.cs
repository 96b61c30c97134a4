using System.Globalization;
using System.Text;

namespace PitPlatform.Fuzz;

/// <summary>Which key a case sends: one with every scope, a narrower one, none, or a made-up one.</summary>
public enum KeyKind
{
    Admin,
    Read,
    Ingest,
    None,
    Garbage,
}

/// <summary>
/// One generated request, exactly as it goes on the wire: method and target as written (dot segments, percent
/// escapes and all), headers, body bytes. <see cref="Category"/> names the mutation (or "valid"), the key the known
/// findings are listed under.
/// </summary>
public sealed record FuzzCase(
    int Index,
    string Category,
    string Operation,
    string Method,
    string Target,
    KeyKind Key,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[]? Body
)
{
    /// <summary>The mutation without the member or parameter it hit: the key of the known findings.</summary>
    public string Kind => Category.Split(' ')[0];

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public override string ToString() => $"#{Index} {Category} {Method} {Shorten(Target, 120)} ({Operation})";

    /// <summary>
    /// The case as a curl command line a person can paste (the key as $PIT_KEY, never its text; a body over 2 KB is
    /// written to <paramref name="bodyDirectory"/>).
    /// </summary>
    public string Curl(Uri baseAddress, string? bodyDirectory = null)
    {
        var line = new StringBuilder();
        if (Body is { Length: > 0 } && Body.Length <= 2048)
            line.Append("printf '").Append(PrintfEscape(Body)).Append("' | ");
        line.Append("curl -sS -i --path-as-is -X ")
            .Append(Quote(Method))
            .Append(' ')
            .Append(Quote(baseAddress.ToString().TrimEnd('/') + Target));
        switch (Key)
        {
            case KeyKind.None:
                break;
            case KeyKind.Garbage:
                break; // sent as one of the headers below
            default:
                line.Append(" -H \"Authorization: Bearer $PIT_KEY\"");
                break;
        }
        foreach (var (name, value) in Headers)
            line.Append(" -H ").Append(Quote($"{name}: {value}"));
        if (Body is { Length: > 0 })
        {
            if (Body.Length <= 2048)
                line.Append(" --data-binary @-");
            else if (bodyDirectory is not null)
            {
                Directory.CreateDirectory(bodyDirectory);
                var file = Path.Combine(bodyDirectory, $"case-{Index}.body");
                File.WriteAllBytes(file, Body);
                line.Append(" --data-binary @").Append(Quote(file));
            }
            else
                line.Append(CultureInfo.InvariantCulture, $" --data-binary @case-{Index}.body  # {Body.Length} bytes");
        }
        if (Key is not KeyKind.Admin and not KeyKind.None and not KeyKind.Garbage)
            line.Append(
                CultureInfo.InvariantCulture,
                $"  # PIT_KEY: a key with the {Key.ToString().ToLowerInvariant()} scope only"
            );
        return line.ToString();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string PrintfEscape(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\'' && b != '\\' && b != '%')
                text.Append((char)b);
            else
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }
        return text.ToString();
    }

    private static string Shorten(string text, int max) =>
        text.Length <= max ? text : text[..max] + $"...({text.Length} chars)";
}
