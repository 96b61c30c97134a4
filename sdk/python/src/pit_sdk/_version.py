"""The SDK's own version and the API version it speaks."""

SDK_VERSION = "0.1.0"
"""This SDK's SemVer version, sent as ``Pit-Sdk-Version`` and compared with the server's ``min_supported_sdk``."""

API_VERSION = "v1"
"""The ingestion API version this SDK speaks, sent as ``Pit-Api-Version``."""
