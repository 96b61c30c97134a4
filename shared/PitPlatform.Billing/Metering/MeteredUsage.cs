namespace PitPlatform.Billing.Metering;

/// <summary>One tenant's total on one meter for one UTC day, from the usage aggregates.</summary>
public sealed record MeteredUsage(string Tenant, string Meter, DateOnly Period, long Quantity);
