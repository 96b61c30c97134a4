using System.Reflection;

namespace PitPlatform.Contracts;

/// <summary>The platform version that producers write into envelopes ("service/version").</summary>
public static class PitVersion
{
    public static readonly string Current = typeof(PitVersion)
        .Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
        ?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static string Producer(string service) => $"{service}/{Current}";
}
