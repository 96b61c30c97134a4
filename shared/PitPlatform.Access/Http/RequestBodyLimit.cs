using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>
/// The body limit of the JSON routes other than POST /v1/events (which has its own, 5 MiB): admin and governance
/// bodies are small documents. A larger body answers 413 ERR_PAYLOAD_TOO_LARGE (through
/// <see cref="ApiErrorResponses"/>), in both hosts, whatever limit the server in front has.
/// </summary>
public static class RequestBodyLimit
{
    public const int JsonBodyBytes = 64 * 1024;

    /// <summary>
    /// The request's body, refusing (with <see cref="RequestBodyTooLargeException"/>) to read past
    /// <paramref name="limit"/> bytes.
    /// </summary>
    public static Stream Bounded(HttpRequest request, long limit = JsonBodyBytes)
    {
        if (request.ContentLength > limit)
            throw new RequestBodyTooLargeException(limit);
        return new BoundedStream(request.Body, limit);
    }

    private sealed class BoundedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            Count(inner.Read(buffer, offset, Room(count)));

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer,
            CancellationToken cancellationToken = default
        ) => Count(await inner.ReadAsync(buffer[..Room(buffer.Length)], cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(
            byte[] buffer,
            int offset,
            int count,
            CancellationToken cancellationToken
        ) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>Reads at most one byte past the limit, which is enough to tell that the body is longer.</summary>
        private int Room(int count) => (int)Math.Min(count, limit + 1 - _read);

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
                throw new RequestBodyTooLargeException(limit);
            return read;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A body over its route's limit: answered 413 ERR_PAYLOAD_TOO_LARGE with <c>details.limit</c>.</summary>
public sealed class RequestBodyTooLargeException(long limit)
    : BadHttpRequestException($"the body is larger than {limit} bytes", StatusCodes.Status413PayloadTooLarge)
{
    public long Limit { get; } = limit;
}
