using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Contracts.Identifiers;

/// <summary>Name-based UUIDs (RFC 9562 version 5, SHA-1), so a redelivered input yields the same output id.</summary>
public static class DeterministicGuid
{
    /// <summary>The namespace for ids PIT derives; a fixed random UUID.</summary>
    public static readonly Guid PitNamespace = new("6f1d2c4e-8b0a-4f6e-9d3c-2a1b0c9d8e7f");

    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        namespaceId.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 4122's name-based UUID version 5 is defined on SHA-1; no security rests on it.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The id of the event a processor emits for a source event.</summary>
    public static Guid ForDerivedEvent(Guid sourceEventId, string processor) =>
        Create(PitNamespace, $"{processor}:{sourceEventId:D}");
}
