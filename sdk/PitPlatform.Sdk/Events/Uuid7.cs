using System.Security.Cryptography;

namespace PitPlatform.Sdk.Events;

/// <summary>
/// RFC 9562 UUIDv7: 48 bits of Unix milliseconds, then 74 random bits. Guid.CreateVersion7 asks the OS for 16 random
/// bytes per id, which costs microseconds in some containers; here each thread draws its random bits from a buffer
/// of cryptographic randomness refilled 4 KB at a time, so making an event stays cheap.
/// </summary>
internal static class Uuid7
{
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _used;

    public static Guid New()
    {
        var random = _random;
        if (random is null || _used > BufferSize - 10)
        {
            random = _random ??= new byte[BufferSize];
            RandomNumberGenerator.Fill(random);
            _used = 0;
        }
        var r = random.AsSpan(_used, 10);
        _used += 10;
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new Guid(
            (int)(ms >> 16),
            (short)ms,
            (short)(0x7000 | ((r[0] & 0x0F) << 8) | r[1]),
            (byte)(0x80 | (r[2] & 0x3F)),
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9]
        );
    }
}
