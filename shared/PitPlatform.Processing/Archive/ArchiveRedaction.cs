namespace PitPlatform.Processing.Archive;

/// <summary>
/// One rewrite of a range file without some of its records (table archive_redactions, migration 0017): the file at
/// <paramref name="OriginalSha256"/> became the file at <paramref name="NewSha256"/> (<paramref name="NewBytes"/> long)
/// by removing <paramref name="RecordsRemoved"/> records for deletion <paramref name="DeletionId"/>, as audited in
/// <paramref name="Tenant"/>'s chain at <paramref name="AuditSequence"/>.
/// </summary>
public sealed record ArchiveRedaction(
    string RangeName,
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    string OriginalSha256,
    string NewSha256,
    int RecordsRemoved,
    long NewBytes,
    Guid DeletionId,
    string Tenant,
    long AuditSequence = 0
);
