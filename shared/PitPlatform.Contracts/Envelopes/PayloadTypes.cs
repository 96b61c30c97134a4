using Google.Protobuf.Reflection;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Contracts.Envelopes;

/// <summary>The payload messages PIT knows, by their fully-qualified protobuf name.</summary>
public static class PayloadTypes
{
    public static readonly string TradeFill = TradeFillEvent.Descriptor.FullName;
    public static readonly string NavUpdate = NAVUpdateEvent.Descriptor.FullName;
    public static readonly string LlmCall = LlmCallEvent.Descriptor.FullName;
    public static readonly string DeadLetter = Events.V1.DeadLetter.Descriptor.FullName;

    public static readonly TypeRegistry Registry = TypeRegistry.FromFiles(
        ExecReflection.Descriptor,
        AcctReflection.Descriptor,
        RuntimeReflection.Descriptor,
        OpsReflection.Descriptor,
        PolicyReflection.Descriptor
    );
}
