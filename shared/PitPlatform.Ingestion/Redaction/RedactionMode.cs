namespace PitPlatform.Ingestion.Redaction;

/// <summary>What the redactor writes in place of a detected span.</summary>
public enum RedactionMode
{
    /// <summary>A fixed label such as <c>[redacted:email]</c>. The default.</summary>
    Replace = 0,

    /// <summary>Keeps the shape and a little of the value (<c>j***@e***.com</c>, <c>************1111</c>).</summary>
    Mask,

    /// <summary>
    /// A stable per-tenant token such as <c>[email:5f2a9c1e7b3d]</c>: the first 12 hex characters of HMAC-SHA256 under
    /// the tenant key, so equal values can be correlated within a tenant and never across tenants.
    /// </summary>
    Hash,

    /// <summary>Deletes the span.</summary>
    Remove,
}
