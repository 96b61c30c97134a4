using System.Text.Json.Serialization;

namespace PitPlatform.Ingestion;

/// <summary>
/// Compile-time JSON metadata for the ingest response (up to 1000 results per request), with the same naming as
/// every other response (ApiJson: snake_case, nulls omitted).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(IngestMinimalResponse))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
