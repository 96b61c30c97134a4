using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Schema;

/// <summary>
/// The server's StorableText for events (shared/PitPlatform.Contracts/Schema), copied because the SDK ships alone:
/// finds the strings (values and member names) holding an unpaired surrogate escape or bytes that are not UTF-8, which
/// System.Text.Json cannot read, with the same pointers and messages as the server.
/// </summary>
internal static class StorableText
{
    private const int None = 0,
        UnpairedSurrogate = 1,
        InvalidUtf8 = 2;

    /// <summary>Adds an error for every such string; true when there was one. Cheap when there is none.</summary>
    public static bool Find(JsonElement element, string pointer, ref List<PitEventError>? errors)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.IndexOf("\\u"u8) < 0 && Utf8.IsValid(raw))
            return false;
        var walker = new Walker(pointer);
        walker.Walk(element);
        if (walker.Errors is null)
            return false;
        (errors ??= []).AddRange(walker.Errors);
        return true;
    }

    /// <summary>
    /// Where the walk is; a pointer and a name are made only for an error, so clean text costs no strings.
    /// </summary>
    private sealed class Walker(string basePointer)
    {
        private readonly List<(JsonProperty Member, int Index)> _path = [];

        public List<PitEventError>? Errors { get; private set; }

        public void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    if (Check(JsonMarshal.GetRawUtf8Value(element)) is var fault and not None)
                        Add(isName: false, fault);
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
                        var nameFault = Check(JsonMarshal.GetRawUtf8PropertyName(member));
                        _path.Add((member, -1));
                        if (nameFault != None)
                            Add(isName: true, nameFault);
                        Walk(member.Value);
                        _path.RemoveAt(_path.Count - 1);
                    }
                    break;
            }
        }

        private void Add(bool isName, int fault)
        {
            string? name = null;
            for (var i = _path.Count - 1; i >= 0 && name is null; i--)
            {
                if (_path[i].Index < 0)
                    name = NameOf(_path[i].Member);
            }
            var pointer = new StringBuilder(basePointer);
            foreach (var (member, index) in _path)
            {
                pointer.Append('/');
                if (index >= 0)
                    pointer.Append(index);
                else
                    pointer.Append(NameOf(member).Replace("~", "~0").Replace("/", "~1"));
            }
            (Errors ??= []).Add(
                new PitEventError(
                    PitEventError.Validation,
                    $"{(isName ? "a member name" : name is null ? "the value" : $"'{name}'")} "
                        + (
                            fault == InvalidUtf8
                                ? "is not valid UTF-8"
                                : "holds an unpaired UTF-16 surrogate, which is not text"
                        ),
                    pointer.ToString()
                )
            );
        }

        /// <summary>
        /// A member's name as far as it can be read; JsonProperty.Name throws on exactly the names at fault.
        /// </summary>
        private static string NameOf(JsonProperty member)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            return Check(raw) == None ? member.Name : Decode(raw);
        }
    }

    private static int Check(ReadOnlySpan<byte> raw)
    {
        if (!Utf8.IsValid(raw))
            return InvalidUtf8;
        var at = raw.IndexOf((byte)'\\');
        while (at >= 0 && at + 1 < raw.Length)
        {
            if (raw[at + 1] != (byte)'u' || !TryHex(raw, at + 2, out var unit))
            {
                at = Next(raw, at + 2);
                continue;
            }
            if (char.IsLowSurrogate((char)unit))
                return UnpairedSurrogate;
            if (char.IsHighSurrogate((char)unit))
            {
                if (
                    raw.Length < at + 12
                    || raw[at + 6] != (byte)'\\'
                    || raw[at + 7] != (byte)'u'
                    || !TryHex(raw, at + 8, out var low)
                    || !char.IsLowSurrogate((char)low)
                )
                    return UnpairedSurrogate;
                at = Next(raw, at + 12);
                continue;
            }
            at = Next(raw, at + 6);
        }
        return None;
    }

    /// <summary>
    /// A member name as far as it can be read: escapes decoded, an unpaired surrogate kept, bad bytes as U+FFFD.
    /// </summary>
    private static string Decode(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw);
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
