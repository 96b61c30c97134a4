using System.IO.Compression;

namespace PitPlatform.Ingestion;

/// <summary>
/// Decodes a <c>Content-Encoding: gzip</c> body (the SDK compresses its batches). The decoded size is bounded by the
/// same limit as a plain body, so a small compressed body cannot expand without bound.
/// </summary>
internal static class GzipBody
{
    /// <summary>
    /// The decoded bytes; null when they exceed <paramref name="limit"/>. Throws <see cref="InvalidDataException"/> for
    /// bytes that are not gzip.
    /// </summary>
    public static byte[]? Decode(byte[] compressed, int limit)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var output = new MemoryStream(Math.Min(limit, compressed.Length * 4));
        var buffer = new byte[81920];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (output.Length + read > limit)
                return null;
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
