using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PitPlatform.LocalHost.Embedded;

namespace PitPlatform.Testing;

/// <summary>
/// Signs a dev user in at the embedded OpenID Connect provider through the real authorization code flow with PKCE,
/// as a browser would: the authorization request, the provider's login form, its consent form, the redirect with the
/// code, then the token request with the verifier. Returns the access token (a JWT for the requested resource).
/// </summary>
public static partial class OidcSignIn
{
    public static async Task<string> AccessTokenAsync(
        OidcProviderServer provider,
        string login,
        string? resource = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(provider);
        resource ??= provider.Audience;
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        };
        using var http = new HttpClient(handler) { BaseAddress = provider.Issuer, Timeout = TimeSpan.FromSeconds(30) };
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var query = string.Join(
            '&',
            new Dictionary<string, string>
            {
                ["client_id"] = OidcProviderServer.ClientId,
                ["redirect_uri"] = OidcProviderServer.RedirectUri,
                ["response_type"] = "code",
                ["scope"] = "openid profile email",
                ["code_challenge"] = challenge,
                ["code_challenge_method"] = "S256",
                ["state"] = state,
                ["resource"] = resource,
            }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")
        );

        var location = await RedirectAsync(http, HttpMethod.Get, "/auth?" + query, null, cancellationToken);
        // Follow the provider's interaction pages (login, then consent) until it redirects to our redirect URI.
        for (var page = 0; !location.StartsWith(OidcProviderServer.RedirectUri, StringComparison.Ordinal); page++)
        {
            if (page > 6)
                throw new InvalidOperationException($"the sign-in never reached the redirect URI (at {location})");
            if (!location.Contains("/interaction/", StringComparison.Ordinal))
            {
                location = await RedirectAsync(http, HttpMethod.Get, location, null, cancellationToken);
                continue;
            }
            var html = await http.GetStringAsync(location, cancellationToken);
            var action = FormAction().Match(html) is { Success: true } form
                ? WebUtility.HtmlDecode(form.Groups[1].Value)
                : throw new InvalidOperationException("no form at " + location);
            var prompt = PromptField().Match(html).Groups[1].Value;
            var fields = new Dictionary<string, string> { ["prompt"] = prompt };
            if (prompt == "login")
            {
                fields["login"] = login;
                fields["password"] = "any"; // the development provider checks the login only
            }
            location = await RedirectAsync(
                http,
                HttpMethod.Post,
                action,
                new FormUrlEncodedContent(fields),
                cancellationToken
            );
        }

        var callback = new Uri(location);
        var parameters = callback
            .Query.TrimStart('?')
            .Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        if (parameters.GetValueOrDefault("state") != state)
            throw new InvalidOperationException("the redirect carried another state");
        if (!parameters.TryGetValue("code", out var code))
            throw new InvalidOperationException("no code in the redirect: " + location);
        using var token = await http.PostAsync(
            "/token",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = code,
                    ["redirect_uri"] = OidcProviderServer.RedirectUri,
                    ["client_id"] = OidcProviderServer.ClientId,
                    ["code_verifier"] = verifier,
                    ["resource"] = resource,
                }
            ),
            cancellationToken
        );
        var body = await token.Content.ReadAsStringAsync(cancellationToken);
        if (!token.IsSuccessStatusCode)
            throw new InvalidOperationException($"the token request failed: {(int)token.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> RedirectAsync(
        HttpClient http,
        HttpMethod method,
        string uri,
        HttpContent? content,
        CancellationToken cancellationToken
    )
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode is < 300 or > 399 || response.Headers.Location is null)
            throw new InvalidOperationException(
                $"{method} {uri}: expected a redirect, got {(int)response.StatusCode} "
                    + $"{await response.Content.ReadAsStringAsync(cancellationToken)}"
            );
        return response.Headers.Location.ToString();
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"prompt\" value=\"([a-z]+)\"")]
    private static partial Regex PromptField();
}
