using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Where a page ended, in the keyset order (ts, cell, currency, fills_applied, event_id); buckets use the first three.
/// </summary>
public sealed record NavCursor(DateTime Ts, string Cell, string Currency, long FillsApplied, Guid EventId);

/// <summary>
/// Opaque page tokens: the cursor and the interval the first page resolved to, followed by an HMAC-SHA256 (cut to
/// 16 bytes) over the token and the query it belongs to (tenant, series, cell, currency, from, to, interval). A token
/// changed by a client, or used with another query or another tenant's key, fails the check and is refused.
/// </summary>
public sealed class NavPageTokens
{
    private const byte Version = 1;
    private const int MacLength = 16;
    private readonly byte[] _key;

    public NavPageTokens(byte[] key)
    {
        if (key.Length < 32)
            throw new ArgumentException("the page token key must be at least 32 bytes", nameof(key));
        _key = key;
    }

    /// <summary>
    /// The binding of a query: every parameter that selects points, so a token fits only its own query.
    /// </summary>
    public static string Binding(
        string tenant,
        string series,
        string? cell,
        string? currency,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string interval
    ) =>
        string.Join(
            '\n',
            tenant,
            series,
            cell ?? "",
            currency ?? "",
            from?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            to?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            interval
        );

    public string Create(string binding, NavInterval interval, NavCursor cursor)
    {
        var cell = Encoding.ASCII.GetBytes(cursor.Cell);
        var body = new byte[1 + 4 + 8 + 1 + cell.Length + 3 + 8 + 16];
        var at = 0;
        body[at++] = Version;
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(at), interval.Seconds);
        at += 4;
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(at), cursor.Ts.Ticks);
        at += 8;
        body[at++] = (byte)cell.Length;
        cell.CopyTo(body, at);
        at += cell.Length;
        Encoding.ASCII.GetBytes(cursor.Currency, body.AsSpan(at, 3));
        at += 3;
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(at), cursor.FillsApplied);
        at += 8;
        cursor.EventId.TryWriteBytes(body.AsSpan(at), bigEndian: true, out _);
        return Base64Url(body.Concat(Mac(binding, body)).ToArray());
    }

    /// <summary>
    /// The interval and cursor of a token made for <paramref name="binding"/>; false when it is not one.
    /// </summary>
    public bool TryRead(string binding, string token, out NavInterval interval, out NavCursor cursor)
    {
        interval = NavInterval.Raw;
        cursor = null!;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(
                token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - token.Length % 4) % 4)
            );
        }
        catch (FormatException)
        {
            return false;
        }
        if (bytes.Length < 1 + 4 + 8 + 1 + 3 + 8 + 16 + MacLength)
            return false;
        var body = bytes.AsSpan(0, bytes.Length - MacLength);
        if (!CryptographicOperations.FixedTimeEquals(Mac(binding, body), bytes.AsSpan(bytes.Length - MacLength)))
            return false;
        if (body[0] != Version)
            return false;
        var seconds = BinaryPrimitives.ReadInt32BigEndian(body[1..]);
        var found = seconds == 0 ? NavInterval.Raw : NavInterval.Bucketed.FirstOrDefault(i => i.Seconds == seconds);
        var cellLength = body[13];
        if (found is null || body.Length != 14 + cellLength + 3 + 8 + 16)
            return false;
        var ticks = BinaryPrimitives.ReadInt64BigEndian(body[5..]);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            return false;
        var at = 14;
        var cell = Encoding.ASCII.GetString(body.Slice(at, cellLength));
        at += cellLength;
        var currency = Encoding.ASCII.GetString(body.Slice(at, 3));
        at += 3;
        var fills = BinaryPrimitives.ReadInt64BigEndian(body[at..]);
        at += 8;
        interval = found;
        cursor = new NavCursor(
            new DateTime(ticks, DateTimeKind.Utc),
            cell,
            currency,
            fills,
            new Guid(body.Slice(at, 16), bigEndian: true)
        );
        return true;
    }

    private byte[] Mac(string binding, ReadOnlySpan<byte> body)
    {
        var bindingBytes = Encoding.UTF8.GetBytes(binding);
        var message = new byte[4 + bindingBytes.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, bindingBytes.Length);
        bindingBytes.CopyTo(message, 4);
        body.CopyTo(message.AsSpan(4 + bindingBytes.Length));
        return HMACSHA256.HashData(_key, message)[..MacLength];
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The key when no page token secret is configured: derived from another platform secret for this one purpose.
    /// </summary>
    public static byte[] DeriveKey(string secret) =>
        HKDF.DeriveKey(
            HashAlgorithmName.SHA256,
            Encoding.UTF8.GetBytes(secret),
            32,
            salt: [],
            info: Encoding.UTF8.GetBytes("pit/nav-page-token/v1")
        );
}
