namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// The lower-case name of each kind as it appears in replacements and tokens ("[redacted:email]", "[email:…]").
/// </summary>
internal static class PiiLabel
{
    public static string Of(PiiKind kind) =>
        kind switch
        {
            PiiKind.Email => "email",
            PiiKind.Ssn => "ssn",
            PiiKind.Phone => "phone",
            PiiKind.Card => "card",
            PiiKind.Ip => "ip",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a PII kind"),
        };
}
