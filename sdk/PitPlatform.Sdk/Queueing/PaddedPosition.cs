using System.Runtime.InteropServices;

namespace PitPlatform.Sdk.Queueing;

/// <summary>A position on a cache line of its own, so producers and the consumer do not slow each other down.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedPosition
{
    [FieldOffset(64)]
    public long Value;
}
