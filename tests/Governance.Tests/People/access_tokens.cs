using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Access.People;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// Access tokens from a real OpenID Connect provider (the embedded oidc-provider, signed in through the authorization
/// code flow with PKCE) validated with Microsoft.IdentityModel: the person is named only when issuer, audience,
/// signature and lifetime all hold.
/// </summary>
public sealed class access_tokens : IAsyncLifetime
{
    private const string OtherApi = "api://another-app";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private OidcProviderServer _provider = null!;

    public async ValueTask InitializeAsync() =>
        _provider = await OidcProviderServer.StartAsync(otherAudiences: [OtherApi], cancellationToken: Ct);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private AccessTokenValidator Validator(TimeProvider? time = null, OidcProviderServer? provider = null)
    {
        provider ??= _provider;
        return new AccessTokenValidator(
            new IdentitySettings(_provider.Issuer, provider.Audience, provider.OperatorRole),
            time ?? TimeProvider.System,
            NullLogger<AccessTokenValidator>.Instance
        );
    }

    [Fact]
    public async Task a_person_signed_in_with_the_code_flow_and_pkce_is_named_by_the_token()
    {
        var token = await OidcSignIn.AccessTokenAsync(_provider, "ada-admin", cancellationToken: Ct);
        var person = await Validator().ValidateAsync(token, Ct);

        Assert.NotNull(person);
        Assert.Equal("ada-admin", person.Subject);
        Assert.Equal(_provider.Issuer.ToString().TrimEnd('/'), person.Issuer);
        Assert.Equal("Ada Admin", person.Name);
        Assert.Equal("ada@demo.example", person.Email);
        Assert.False(person.IsOperator);
        Assert.Equal("person:ada-admin", person.Principal);
    }

    [Fact]
    public async Task the_operator_app_role_makes_an_operator()
    {
        var token = await OidcSignIn.AccessTokenAsync(_provider, "ola-operator", cancellationToken: Ct);
        Assert.True((await Validator().ValidateAsync(token, Ct))!.IsOperator);
    }

    [Fact]
    public async Task a_token_for_another_audience_is_refused()
    {
        var token = await OidcSignIn.AccessTokenAsync(_provider, "ada-admin", OtherApi, Ct);
        Assert.Null(await Validator().ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task an_expired_token_is_refused_after_the_clock_skew()
    {
        var token = await OidcSignIn.AccessTokenAsync(_provider, "ada-admin", cancellationToken: Ct);
        var time = new SettableTime(DateTimeOffset.UtcNow);
        Assert.NotNull(await Validator(time).ValidateAsync(token, Ct));
        time.Now = DateTimeOffset.UtcNow.AddSeconds(600 + 20); // past exp (10 minutes), within the skew
        Assert.NotNull(await Validator(time).ValidateAsync(token, Ct));
        time.Now = DateTimeOffset.UtcNow.AddSeconds(600 + IdentitySettings.ClockSkew.TotalSeconds + 5);
        Assert.Null(await Validator(time).ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task a_token_of_another_issuer_is_refused_even_with_the_same_audience()
    {
        await using var foreign = await OidcProviderServer.StartAsync(cancellationToken: Ct);
        var token = await OidcSignIn.AccessTokenAsync(foreign, "ola-operator", cancellationToken: Ct);
        Assert.Null(await Validator().ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task an_unsigned_or_altered_token_is_refused()
    {
        var token = await OidcSignIn.AccessTokenAsync(_provider, "vic-viewer", cancellationToken: Ct);
        var parts = token.Split('.');
        var none = Base64Url("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + parts[1] + ".";
        Assert.Null(await Validator().ValidateAsync(none, Ct));

        // The viewer makes themselves an operator: the signature no longer matches.
        var payload = Encoding.UTF8.GetString(
            Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/')))
        );
        var forged =
            parts[0]
            + "."
            + Base64Url(payload.Replace("\"roles\":[]", "\"roles\":[\"Pit.Operator\"]", StringComparison.Ordinal))
            + "."
            + parts[2];
        Assert.Null(await Validator().ValidateAsync(forged, Ct));
        Assert.Null(await Validator().ValidateAsync("not-a-token", Ct));
        Assert.NotNull(await Validator().ValidateAsync(token, Ct));
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string text) => text + new string('=', (4 - text.Length % 4) % 4);
}
