namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// A tenant's redaction settings: one <see cref="RedactionMode"/> per detector (Replace unless set) and the tenant key
/// that Hash mode needs. <see cref="StoreRaw"/> turns redaction off for the tenant; it is opt-in and must only be set
/// once the governance approval for raw storage has been granted (that workflow is not built yet).
/// </summary>
public sealed record RedactionPolicy
{
    /// <summary>Replace for every detector, raw storage off.</summary>
    public static RedactionPolicy Default { get; } = new();

    public RedactionMode Email { get; init; } = RedactionMode.Replace;
    public RedactionMode Ssn { get; init; } = RedactionMode.Replace;
    public RedactionMode Phone { get; init; } = RedactionMode.Replace;
    public RedactionMode Card { get; init; } = RedactionMode.Replace;
    public RedactionMode Ip { get; init; } = RedactionMode.Replace;

    /// <summary>
    /// The tenant's HMAC key (<see cref="TenantRedactionKeys.KeyFor"/>), at least 32 bytes. Required when any detector
    /// uses <see cref="RedactionMode.Hash"/>.
    /// </summary>
    public byte[]? TenantKey { get; init; }

    /// <summary>
    /// When true, <see cref="PiiRedactor.Redact"/> returns the text unchanged. Off by default; approval-gated.
    /// </summary>
    public bool StoreRaw { get; init; }

    /// <summary>The same mode for every detector.</summary>
    public static RedactionPolicy Uniform(RedactionMode mode, byte[]? tenantKey = null) =>
        new()
        {
            Email = mode,
            Ssn = mode,
            Phone = mode,
            Card = mode,
            Ip = mode,
            TenantKey = tenantKey,
        };

    public RedactionMode ModeFor(PiiKind kind) =>
        kind switch
        {
            PiiKind.Email => Email,
            PiiKind.Ssn => Ssn,
            PiiKind.Phone => Phone,
            PiiKind.Card => Card,
            PiiKind.Ip => Ip,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a PII kind"),
        };

    internal bool UsesHash =>
        Email == RedactionMode.Hash
        || Ssn == RedactionMode.Hash
        || Phone == RedactionMode.Hash
        || Card == RedactionMode.Hash
        || Ip == RedactionMode.Hash;
}
