namespace PitPlatform.Governance.Retention;

/// <summary>
/// One store the sweep empties of expired rows: <see cref="ChunkSql"/> deletes at most $3 rows of tenant $1 older than
/// the cutoff $2 and returns how many it deleted.
/// </summary>
public sealed record RetentionTable(string Name, string ChunkSql);
