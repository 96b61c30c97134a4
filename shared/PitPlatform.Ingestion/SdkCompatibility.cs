namespace PitPlatform.Ingestion;

/// <summary>
/// What POST /v1/events tells SDKs about versions: the API version it serves and the oldest SDK it still supports
/// (<c>min_supported_sdk</c>, the seeds' name). SDKs below the minimum stop sending and tell their application to
/// upgrade. Raised here, with a CHANGELOG line, when a release drops an SDK version.
/// </summary>
public static class SdkCompatibility
{
    public const string ApiVersionHeader = "Pit-Api-Version";
    public const string MinSupportedSdkHeader = "Pit-Min-Supported-Sdk";
    public const string ApiVersion = "v1";
    public const string MinSupportedSdk = "0.1.0";
}
