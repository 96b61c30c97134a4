namespace PitPlatform.Hosting;

/// <summary>Start-up stops here when required settings are missing or malformed; the message names each one.</summary>
public sealed class MissingSettingsException(IReadOnlyList<string> problems)
    : InvalidOperationException("the host cannot start: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
