using Npgsql;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// Walks each tenant's audit chain from its first entry and checks every link: the sequence has no gap or
/// repetition, each entry's previous hash is the hash of the entry before it, each hash matches the entry's contents
/// (<see cref="AuditHash"/>), and the chain ends at its recorded head. So an altered, inserted or removed entry is
/// named, including the newest ones. Streams the entries: memory does not grow with the chain.
/// </summary>
public class AuditVerifier(NpgsqlDataSource dataSource)
{
    public virtual async Task<AuditVerification> VerifyAsync(
        string? tenant = null,
        CancellationToken cancellationToken = default
    )
    {
        var heads = await ReadHeadsAsync(tenant, cancellationToken).ConfigureAwait(false);
        var chains = new List<AuditChainSummary>();
        await using (
            var command = dataSource.CreateCommand(
                """
                SELECT tenant, sequence, at, principal, key_prefix, action, target, details::text, previous_hash, hash
                FROM audit_entries WHERE ($1::text IS NULL OR tenant = $1) ORDER BY tenant, sequence
                """
            )
        )
        {
            command.Parameters.Add(
                new() { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
            );
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            ChainWalk? walk = null;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var entryTenant = reader.GetString(0);
                if (walk?.Tenant != entryTenant)
                {
                    if (walk is not null)
                        chains.Add(walk.Finish(heads));
                    walk = new ChainWalk(entryTenant);
                }
                if (walk.Problem is not null)
                    continue;
                walk.Check(
                    reader.GetInt64(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    new AuditActor(reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.GetFieldValue<byte[]>(8),
                    reader.GetFieldValue<byte[]>(9)
                );
            }
            if (walk is not null)
                chains.Add(walk.Finish(heads));
        }
        // A head without a single entry left: the whole chain was removed.
        foreach (
            var (headTenant, head) in heads
                .Where(h => chains.All(c => c.Tenant != h.Key))
                .OrderBy(h => h.Key, StringComparer.Ordinal)
        )
        {
            chains.Add(
                new AuditChainSummary(
                    headTenant,
                    0,
                    new AuditProblem(
                        headTenant,
                        1,
                        $"no entries, but the chain head records {head.Sequence}: entries 1..{head.Sequence} "
                            + "were removed"
                    )
                )
            );
        }
        chains.Sort((a, b) => StringComparer.Ordinal.Compare(a.Tenant, b.Tenant));
        return new AuditVerification(chains, chains.Select(c => c.Problem).FirstOrDefault(p => p is not null));
    }

    private async Task<Dictionary<string, (long Sequence, byte[] Hash)>> ReadHeadsAsync(
        string? tenant,
        CancellationToken cancellationToken
    )
    {
        await using var command = dataSource.CreateCommand(
            "SELECT tenant, sequence, hash FROM audit_chain_heads WHERE ($1::text IS NULL OR tenant = $1)"
        );
        command.Parameters.Add(
            new() { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        var heads = new Dictionary<string, (long, byte[])>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            heads[reader.GetString(0)] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
        return heads;
    }

    private sealed class ChainWalk(string tenant)
    {
        private long _expected = 1;
        private byte[] _previous = AuditHash.Genesis;

        public string Tenant { get; } = tenant;
        public long Entries { get; private set; }
        public AuditProblem? Problem { get; private set; }

        public void Check(
            long sequence,
            DateTimeOffset at,
            AuditActor actor,
            string action,
            string target,
            string details,
            byte[] previousHash,
            byte[] hash
        )
        {
            Entries++;
            if (sequence != _expected)
            {
                Problem = new AuditProblem(
                    Tenant,
                    _expected,
                    sequence > _expected
                        ? $"missing: the chain jumps from {_expected - 1} to {sequence} (entries removed)"
                        : $"sequence {sequence} repeats or goes back (entries inserted)"
                );
                return;
            }
            if (!previousHash.AsSpan().SequenceEqual(_previous))
            {
                Problem = new AuditProblem(
                    Tenant,
                    sequence,
                    sequence == 1
                        ? "the first entry does not start from the genesis hash"
                        : $"its previous hash is not the hash of entry {sequence - 1} (an entry was altered, "
                            + "inserted or removed)"
                );
                return;
            }
            var computed = AuditHash.Compute(Tenant, sequence, at, actor, action, target, details, previousHash);
            if (!computed.AsSpan().SequenceEqual(hash))
            {
                Problem = new AuditProblem(
                    Tenant,
                    sequence,
                    "its hash does not match its contents (the entry was altered)"
                );
                return;
            }
            _previous = hash;
            _expected = sequence + 1;
        }

        public AuditChainSummary Finish(IReadOnlyDictionary<string, (long Sequence, byte[] Hash)> heads)
        {
            if (Problem is null)
            {
                var last = _expected - 1;
                if (!heads.TryGetValue(Tenant, out var head))
                    Problem = new AuditProblem(
                        Tenant,
                        last,
                        "the chain has no recorded head (entries inserted outside the audit trail)"
                    );
                else if (head.Sequence != last)
                    Problem = new AuditProblem(
                        Tenant,
                        Math.Min(head.Sequence, last + 1),
                        head.Sequence > last
                            ? $"missing: the chain ends at {last} but its head records {head.Sequence} (the "
                                + "newest entries were removed)"
                            : $"the chain runs to {last} past its head {head.Sequence} (entries inserted)"
                    );
                else if (!head.Hash.AsSpan().SequenceEqual(_previous))
                    Problem = new AuditProblem(
                        Tenant,
                        last,
                        "its hash is not the one the chain head records (the newest entry was replaced)"
                    );
            }
            return new AuditChainSummary(Tenant, Entries, Problem);
        }
    }
}
