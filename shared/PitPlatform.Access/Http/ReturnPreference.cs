using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>
/// The <c>return</c> preference of RFC 7240's <c>Prefer</c> header. A client that asks for <c>return=minimal</c> says
/// it does not need a representation of what it sent (the SDKs' background batches, which know their own event ids);
/// a server that honours it names the preference in <c>Preference-Applied</c>.
/// </summary>
public static class ReturnPreference
{
    public const string PreferHeader = "Prefer";
    public const string AppliedHeader = "Preference-Applied";
    public const string Minimal = "return=minimal";

    /// <summary>Whether any Prefer header of the request holds <c>return=minimal</c> (token and value case-insensitive,
    /// the value optionally quoted, parameters after ';' ignored).</summary>
    public static bool IsMinimal(HttpRequest request)
    {
        foreach (var header in request.Headers[PreferHeader])
        {
            if (header is null)
                continue;
            foreach (var preference in header.Split(',', StringSplitOptions.TrimEntries))
            {
                var head = preference.Split(';', 2)[0];
                var equals = head.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                    continue;
                var name = head[..equals].Trim();
                var value = head[(equals + 1)..].Trim().Trim('"');
                if (
                    name.Equals("return", StringComparison.OrdinalIgnoreCase)
                    && value.Equals("minimal", StringComparison.OrdinalIgnoreCase)
                )
                    return true;
            }
        }
        return false;
    }
}
