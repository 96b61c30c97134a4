namespace PitPlatform.Ingestion.Redaction;

/// <summary>The kinds of personal data the redactor finds in free text, one detector each.</summary>
public enum PiiKind
{
    Email,
    Ssn,
    Phone,
    Card,
    Ip,
}
