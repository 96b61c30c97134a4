namespace PitPlatform.Access.People;

/// <summary>
/// The OpenID Connect provider whose access tokens the API accepts beside API keys (Microsoft Entra ID in Azure, the
/// embedded oidc-provider locally): its issuer (the authority; the discovery document and signing keys are read from
/// it), the audience our tokens are issued for, and the app role that makes a person a platform operator.
/// </summary>
public sealed record IdentitySettings(Uri Authority, string Audience, string OperatorRole)
{
    public const string DefaultOperatorRole = "Pit.Operator";

    /// <summary>Tolerated clock difference between the provider and us when checking a token's lifetime.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The issuer exactly as tokens carry it (no trailing slash unless the authority has a path ending in one).
    /// </summary>
    public string Issuer =>
        Authority.AbsolutePath == "/" ? Authority.GetLeftPart(UriPartial.Authority) : Authority.ToString();
}
