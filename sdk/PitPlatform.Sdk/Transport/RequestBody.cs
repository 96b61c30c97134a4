using System.IO.Compression;

namespace PitPlatform.Sdk.Transport;

/// <summary><c>{"data":[...]}</c> from already written events, gzip-compressed when asked.</summary>
internal static class RequestBody
{
    private static readonly byte[] Open = "{\"data\":["u8.ToArray();
    private static readonly byte[] Close = "]}"u8.ToArray();

    public static ArraySegment<byte> Build(IReadOnlyList<EncodedEvent> events, bool gzip)
    {
        var size = Open.Length + Close.Length + events.Count;
        foreach (var e in events)
            size += e.Json.Length;
        var output = new MemoryStream(gzip ? size / 4 + 64 : size);
        using (
            var target = gzip
                ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
                : (Stream)new NonClosing(output)
        )
        {
            target.Write(Open);
            for (var i = 0; i < events.Count; i++)
            {
                if (i > 0)
                    target.WriteByte((byte)',');
                target.Write(events[i].Json);
            }
            target.Write(Close);
        }
        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>Keeps the buffer open when the uncompressed path disposes its writer.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void WriteByte(byte value) => inner.WriteByte(value);
    }
}
