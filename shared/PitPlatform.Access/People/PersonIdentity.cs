namespace PitPlatform.Access.People;

/// <summary>
/// A person, as a validated access token names them: issuer and subject identify them (together, stably); name and
/// e-mail are for people reading the audit trail; operators hold the configured app role.
/// </summary>
public sealed record PersonIdentity(string Issuer, string Subject, string? Name, string? Email, bool IsOperator)
{
    /// <summary>
    /// The principal approvals and the audit trail compare: one per person, whatever key or token they use.
    /// </summary>
    public string Principal => PrincipalOf(Subject);

    /// <summary>The principal of a person's token and of every key they made; no other key may carry it.</summary>
    public const string PrincipalPrefix = "person:";

    /// <summary>The principal of the person with this subject.</summary>
    public static string PrincipalOf(string subject) => PrincipalPrefix + subject;
}
