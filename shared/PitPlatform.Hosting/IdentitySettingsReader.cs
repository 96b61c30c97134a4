using Microsoft.Extensions.Configuration;
using PitPlatform.Access.People;

namespace PitPlatform.Hosting;

/// <summary>
/// Reads PIT_OIDC_*: null (people cannot sign in, API keys only) when no authority is set; otherwise every problem is
/// added to the caller's list naming its setting, so a half-configured identity provider fails the start.
/// </summary>
public static class IdentitySettingsReader
{
    public static IdentitySettings? Read(IConfiguration configuration, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(problems);
        var authorityText = configuration[SettingNames.OidcAuthority];
        var audience = configuration[SettingNames.OidcAudience];
        var role = configuration[SettingNames.OidcOperatorRole];
        if (string.IsNullOrWhiteSpace(authorityText))
        {
            // The operator role alone is harmless (it has a default, and the deployment always sets it); an audience is
            // not.
            if (!string.IsNullOrWhiteSpace(audience))
                problems.Add(
                    $"{SettingNames.OidcAuthority} is not set, but {SettingNames.OidcAudience} is: set the "
                        + "issuer too, or neither"
                );
            return null;
        }
        var before = problems.Count;
        if (
            !Uri.TryCreate(authorityText, UriKind.Absolute, out var authority)
            || !(authority.Scheme == "https" || (authority.Scheme == "http" && authority.IsLoopback))
        )
            problems.Add(
                $"{SettingNames.OidcAuthority} must be the issuer's https URL (http only on this machine), "
                    + $"such as https://login.microsoftonline.com/<tenant id>/v2.0, not '{authorityText}'"
            );
        if (string.IsNullOrWhiteSpace(audience))
            problems.Add(
                $"{SettingNames.OidcAudience} is not set: the audience our access tokens are issued for (the "
                    + "API app registration's Application ID URI, e.g. api://pit-platform)"
            );
        if (role is { Length: > 0 } && (role.Length > 120 || role.Any(char.IsWhiteSpace)))
            problems.Add($"{SettingNames.OidcOperatorRole} must be an app role value without spaces, not '{role}'");
        return problems.Count > before
            ? null
            : new IdentitySettings(
                authority!,
                audience!,
                string.IsNullOrWhiteSpace(role) ? IdentitySettings.DefaultOperatorRole : role
            );
    }
}
