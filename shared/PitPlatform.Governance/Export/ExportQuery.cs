namespace PitPlatform.Governance.Export;

/// <summary>
/// One table's part of an export: the rows of <see cref="Sql"/> with <see cref="Arguments"/>, in key order.
/// </summary>
public sealed record ExportQuery(string Table, string Sql, IReadOnlyList<object> Arguments);
