using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace PitPlatform.Contracts.Schema;

/// <summary>
/// Finds the JSON strings (values and member names) whose text no store of the platform can hold: an unpaired UTF-16
/// surrogate escape (<c>"\ud800"</c>), bytes that are not UTF-8, or U+0000 (Postgres text cannot hold it). It reads
/// each string's raw UTF-8 with its escapes as written, because System.Text.Json throws from GetString, ValueEquals
/// and even TryGetProperty on such text: nothing else may read a document before it passed here.
/// </summary>
public static class StorableText
{
    /// <summary>
    /// Whether <paramref name="element"/> may hold a string that <see cref="Find"/> reports: one vectorised pass over
    /// its raw UTF-8 (a <c>\u</c> escape, or bytes that are not UTF-8). False means it certainly holds none.
    /// </summary>
    public static bool MayHoldFault(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.IndexOf("\\u"u8) >= 0 || !Utf8.IsValid(raw);
    }

    /// <summary>
    /// What is wrong with text already decoded (a path or query parameter): U+0000 or an unpaired surrogate.
    /// </summary>
    public static TextFault Check(string text, bool nulAllowed)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' && !nulAllowed)
                return TextFault.Nul;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return TextFault.UnpairedSurrogate;
        }
        return TextFault.None;
    }

    /// <summary>
    /// What is wrong with one string token, given its raw UTF-8 (quotes included or not, escapes as written).
    /// </summary>
    public static TextFault Check(ReadOnlySpan<byte> raw, bool nulAllowed)
    {
        if (!Utf8.IsValid(raw))
            return TextFault.InvalidUtf8;
        var at = raw.IndexOf((byte)'\\');
        while (at >= 0 && at + 1 < raw.Length)
        {
            if (raw[at + 1] != (byte)'u' || !TryHex(raw, at + 2, out var unit))
            {
                at = Next(raw, at + 2);
                continue;
            }
            if (unit == 0 && !nulAllowed)
                return TextFault.Nul;
            if (char.IsLowSurrogate((char)unit))
                return TextFault.UnpairedSurrogate;
            if (char.IsHighSurrogate((char)unit))
            {
                if (
                    raw.Length < at + 12
                    || raw[at + 6] != (byte)'\\'
                    || raw[at + 7] != (byte)'u'
                    || !TryHex(raw, at + 8, out var low)
                    || !char.IsLowSurrogate((char)low)
                )
                    return TextFault.UnpairedSurrogate;
                at = Next(raw, at + 12);
                continue;
            }
            at = Next(raw, at + 6);
        }
        return TextFault.None;
    }

    /// <summary>
    /// Adds every faulty string of <paramref name="element"/> to <paramref name="findings"/> in document order, each
    /// with its JSON pointer under <paramref name="pointer"/> (a faulty member name points at its member). True when it
    /// found any. Pointers and names are made only for findings, so a clean document costs no strings.
    /// </summary>
    /// <param name="skipMember">A member of a top-level object whose value is not walked (its name still is): text
    /// another check owns.</param>
    public static bool Find(
        JsonElement element,
        string pointer,
        bool nulAllowed,
        List<TextFinding> findings,
        string? skipMember = null
    )
    {
        var before = findings.Count;
        new Walker(pointer, nulAllowed, findings, skipMember).Walk(element);
        return findings.Count > before;
    }

    /// <summary>
    /// The text of a raw string token as far as it can be read: escapes decoded (an unpaired surrogate kept as it is),
    /// bytes that are not UTF-8 as U+FFFD. For pointers and messages only.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"')
            raw = raw[1..^1];
        var text = Encoding.UTF8.GetString(raw);
        if (!text.Contains('\\', StringComparison.Ordinal))
            return text;
        var decoded = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                decoded.Append(text[i]);
                continue;
            }
            var escaped = text[++i];
            if (
                escaped == 'u'
                && i + 4 < text.Length
                && ushort.TryParse(
                    text.AsSpan(i + 1, 4),
                    System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var unit
                )
            )
            {
                decoded.Append((char)unit);
                i += 4;
                continue;
            }
            decoded.Append(
                escaped switch
                {
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => escaped,
                }
            );
        }
        return decoded.ToString();
    }

    /// <summary>
    /// Where the walk is: the members and indexes from the element down, turned into a pointer only for a finding.
    /// </summary>
    private sealed class Walker(string basePointer, bool nulAllowed, List<TextFinding> findings, string? skipMember)
    {
        private readonly List<(JsonProperty Member, int Index)> _path = [];

        public void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    if (Check(JsonMarshal.GetRawUtf8Value(element), nulAllowed) is var fault and not TextFault.None)
                        findings.Add(new TextFinding(Pointer(), Name(), IsName: false, fault));
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        _path.Add((default, index++));
                        Walk(item);
                        _path.RemoveAt(_path.Count - 1);
                    }
                    break;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        var nameFault = Check(JsonMarshal.GetRawUtf8PropertyName(member), nulAllowed);
                        _path.Add((member, -1));
                        if (nameFault != TextFault.None)
                            findings.Add(new TextFinding(Pointer(), Name(), IsName: true, nameFault));
                        // NameEquals, like Name, throws on a faulty name: compare only clean ones.
                        else if (_path.Count == 1 && skipMember is not null && member.NameEquals(skipMember))
                        {
                            _path.RemoveAt(0);
                            continue;
                        }
                        Walk(member.Value);
                        _path.RemoveAt(_path.Count - 1);
                    }
                    break;
            }
        }

        private string Pointer()
        {
            var pointer = new StringBuilder(basePointer);
            foreach (var (member, index) in _path)
            {
                pointer.Append('/');
                if (index >= 0)
                    pointer.Append(index);
                else
                    pointer.Append(JsonPointer.Escape(NameOf(member)));
            }
            return pointer.ToString();
        }

        /// <summary>
        /// The nearest member the walk is in (an array's items are their member's), or null outside any.
        /// </summary>
        private string? Name()
        {
            for (var i = _path.Count - 1; i >= 0; i--)
            {
                if (_path[i].Index < 0)
                    return NameOf(_path[i].Member);
            }
            return null;
        }

        /// <summary>
        /// A member's name as far as it can be read; <see cref="JsonProperty.Name"/> throws on exactly the names at
        /// fault.
        /// </summary>
        private static string NameOf(JsonProperty member)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            return Check(raw, nulAllowed: true) == TextFault.None ? member.Name : Decode(raw);
        }
    }

    private static int Next(ReadOnlySpan<byte> raw, int from)
    {
        if (from >= raw.Length)
            return -1;
        var next = raw[from..].IndexOf((byte)'\\');
        return next < 0 ? -1 : from + next;
    }

    private static bool TryHex(ReadOnlySpan<byte> raw, int at, out int unit)
    {
        unit = 0;
        if (at + 4 > raw.Length)
            return false;
        for (var i = at; i < at + 4; i++)
        {
            var digit = raw[i] switch
            {
                >= (byte)'0' and <= (byte)'9' => raw[i] - '0',
                >= (byte)'a' and <= (byte)'f' => raw[i] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => raw[i] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
                return false;
            unit = unit * 16 + digit;
        }
        return true;
    }
}
