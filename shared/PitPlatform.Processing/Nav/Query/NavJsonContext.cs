using System.Text.Json.Serialization;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Compile-time JSON metadata for NAV answers (up to 10,000 points), with the naming of every other response
/// (ApiJson: snake_case, nulls omitted); reflection-based serialization of a full page was a large share of its time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(NavResponse))]
public sealed partial class NavJsonContext : JsonSerializerContext;
