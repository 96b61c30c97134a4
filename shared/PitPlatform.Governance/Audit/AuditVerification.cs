namespace PitPlatform.Governance.Audit;

/// <summary>What <see cref="AuditVerifier"/> found: one summary per chain and the first bad entry, if any.</summary>
public sealed record AuditVerification(IReadOnlyList<AuditChainSummary> Chains, AuditProblem? FirstProblem)
{
    public bool IsIntact => FirstProblem is null;
}

/// <summary>One tenant's chain: how many entries were checked and whether it is intact.</summary>
public sealed record AuditChainSummary(string Tenant, long Entries, AuditProblem? Problem)
{
    public string Summary =>
        Problem is null
            ? $"{Tenant}: intact, {Entries} entries, head matches"
            : $"{Tenant}: BROKEN at entry {Problem.Sequence}: {Problem.Reason}";
}

/// <summary>The first entry of a chain that does not check out, and why.</summary>
public sealed record AuditProblem(string Tenant, long Sequence, string Reason);
