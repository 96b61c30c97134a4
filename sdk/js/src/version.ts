/** The ingestion API version this SDK speaks (sent as `Pit-Api-Version`). */
export const API_VERSION = "v1";

/** This SDK's SemVer version (sent as `Pit-Sdk-Version`; compared with the server's `Pit-Min-Supported-Sdk`). A test keeps it equal to package.json's. */
export const SDK_VERSION = "0.1.0";
