using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// PIT_OIDC_* are read at start-up: unset means API keys only; half set fails naming what is missing.
/// </summary>
public sealed class identity_settings
{
    private static (Access.People.IdentitySettings? Settings, List<string> Problems) Read(
        Dictionary<string, string?> values
    )
    {
        var problems = new List<string>();
        var settings = IdentitySettingsReader.Read(
            new ConfigurationBuilder().AddInMemoryCollection(values).Build(),
            problems
        );
        return (settings, problems);
    }

    [Fact]
    public void without_an_authority_only_api_keys_are_accepted()
    {
        var (settings, problems) = Read([]);
        Assert.Null(settings);
        Assert.Empty(problems);
    }

    [Fact]
    public void an_authority_without_an_audience_fails_naming_the_audience()
    {
        var (settings, problems) = Read(
            new()
            {
                [SettingNames.OidcAuthority] =
                    "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
            }
        );
        Assert.Null(settings);
        Assert.Contains(problems, p => p.StartsWith(SettingNames.OidcAudience, StringComparison.Ordinal));
    }

    [Fact]
    public void a_plain_http_authority_is_refused_unless_on_this_machine()
    {
        var (_, remote) = Read(
            new()
            {
                [SettingNames.OidcAuthority] = "http://login.example.com/",
                [SettingNames.OidcAudience] = "api://pit",
            }
        );
        Assert.Contains(remote, p => p.StartsWith(SettingNames.OidcAuthority, StringComparison.Ordinal));
        var (local, problems) = Read(
            new() { [SettingNames.OidcAuthority] = "http://127.0.0.1:4000", [SettingNames.OidcAudience] = "api://pit" }
        );
        Assert.Empty(problems);
        Assert.Equal("http://127.0.0.1:4000", local!.Issuer);
        Assert.Equal("Pit.Operator", local.OperatorRole);
    }

    [Fact]
    public void an_audience_without_an_authority_fails()
    {
        var (_, problems) = Read(new() { [SettingNames.OidcAudience] = "api://pit" });
        Assert.Contains(problems, p => p.StartsWith(SettingNames.OidcAuthority, StringComparison.Ordinal));
    }
}
