using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace PitPlatform.Access.People;

/// <summary>
/// Validates OpenID Connect access tokens with Microsoft.IdentityModel: the provider's discovery document and signing
/// keys (JWKS, cached and refreshed by the configuration manager, so a key rotation is followed), the configured issuer
/// exactly, our audience, an asymmetric signature (<c>alg: none</c> and symmetric algorithms refused), and the lifetime
/// against <see cref="TimeProvider"/> with <see cref="IdentitySettings.ClockSkew"/>. There is no other path to a
/// person: a token that fails any check is no one.
/// </summary>
public class AccessTokenValidator
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256,
        SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256,
        SecurityAlgorithms.EcdsaSha256,
        SecurityAlgorithms.EcdsaSha384,
    ];

    private readonly IdentitySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessTokenValidator> _logger;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public AccessTokenValidator(
        IdentitySettings settings,
        TimeProvider time,
        ILogger<AccessTokenValidator> logger,
        HttpClient? http = null
    )
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time;
        _logger = logger;
        // Plain http only for a provider on this machine (the embedded one); anything else must be https.
        var retriever = http is null
            ? new HttpDocumentRetriever { RequireHttps = !settings.Authority.IsLoopback }
            : new HttpDocumentRetriever(http) { RequireHttps = !settings.Authority.IsLoopback };
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(settings.Authority, ".well-known/openid-configuration").ToString(),
            new OpenIdConnectConfigurationRetriever(),
            retriever
        );
    }

    /// <protected>For mocking.</protected>
    protected AccessTokenValidator()
    {
        _settings = null!;
        _time = TimeProvider.System;
        _logger = null!;
        _configuration = null!;
    }

    /// <summary>Whether the text has the shape of a JWT (three dot-separated parts), so it is no API key.</summary>
    public static bool LooksLikeJwt(string token) =>
        token.Count(c => c == '.') == 2 && !token.StartsWith("pit_", StringComparison.Ordinal);

    /// <summary>
    /// The person the token names, or null when it fails any check (the reason is logged, never the token).
    /// </summary>
    public virtual async Task<PersonIdentity?> ValidateAsync(
        string token,
        CancellationToken cancellationToken = default
    )
    {
        var parameters = new TokenValidationParameters
        {
            ConfigurationManager = _configuration,
            ValidIssuer = _settings.Issuer,
            ValidAudience = _settings.Audience,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            // The lifetime is checked below against the injected clock, so tests can age a token without waiting.
            ValidateLifetime = false,
        };
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // A malformed token is a refusal like any other; the handler reports most as a result, some by throwing.
            _logger.LogInformation("access token refused: {Reason}", e.GetType().Name);
            return null;
        }
        if (!result.IsValid)
        {
            _logger.LogInformation("access token refused: {Reason}", result.Exception?.GetType().Name ?? "invalid");
            return null;
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        var now = _time.GetUtcNow().UtcDateTime;
        if (
            jwt.ValidTo == DateTime.MinValue
            || now > jwt.ValidTo + IdentitySettings.ClockSkew
            || (jwt.ValidFrom != DateTime.MinValue && now < jwt.ValidFrom - IdentitySettings.ClockSkew)
        )
        {
            _logger.LogInformation("access token refused: {Reason}", "outside its lifetime");
            return null;
        }
        var claims = result.ClaimsIdentity;
        if (Claim(claims, "sub") is not { Length: > 0 } subject)
            return null;
        var isOperator = claims
            .FindAll("roles")
            .Any(r => string.Equals(r.Value, _settings.OperatorRole, StringComparison.Ordinal));
        return new PersonIdentity(
            jwt.Issuer,
            subject,
            Claim(claims, "name"),
            Claim(claims, "preferred_username") ?? Claim(claims, "email"),
            isOperator
        );
    }

    private static string? Claim(ClaimsIdentity claims, string type) => claims.FindFirst(type)?.Value;
}
