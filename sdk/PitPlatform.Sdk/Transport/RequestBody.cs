using System.IO.Compression;

namespace PitPlatform.Sdk.Transport;

/// <summary><c>{"data":[...]}</c> from already written events, gzip-compressed when asked.</summary>
internal static class RequestBody
{
    private static readonly byte[] Open = "{\"data\":["u8.ToArray();
    private static readonly byte[] Close = "]}"u8.ToArray();

    public static ArraySegment<byte> Build(IReadOnlyList<EncodedEvent> events, bool gzip)
    {
        var size = Open.Length + Close.Length + Math.Max(events.Count - 1, 0);
        foreach (var e in events)
            size += e.Json.Length;
        // Written flat first and compressed in one call: a GZipStream write per event and comma costs a deflate call
        // each.
        var plain = new byte[size];
        var at = 0;
        Append(plain, ref at, Open);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0)
                plain[at++] = (byte)',';
            Append(plain, ref at, events[i].Json);
        }
        Append(plain, ref at, Close);
        if (!gzip)
            return new ArraySegment<byte>(plain);
        var output = new MemoryStream(size / 4 + 64);
        using (var target = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            target.Write(plain);
        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static void Append(byte[] target, ref int at, byte[] bytes)
    {
        bytes.CopyTo(target, at);
        at += bytes.Length;
    }
}
