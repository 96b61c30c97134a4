"""The SDK's exceptions and the error codes it reports."""

from __future__ import annotations

ERR_VALIDATION = "ERR_VALIDATION"
"""The event breaks EVENT_SCHEMA.json."""

ERR_UNKNOWN_EVENT_TYPE = "ERR_UNKNOWN_EVENT_TYPE"
"""No event definition has the event's type."""

ERR_SDK_UNSUPPORTED = "ERR_SDK_UNSUPPORTED"
"""The server no longer supports this SDK version (``min_supported_sdk``): upgrade the package."""

ERR_NOT_DELIVERED = "ERR_NOT_DELIVERED"
"""The client was closed before the event could be delivered."""

ERR_UNAVAILABLE = "ERR_UNAVAILABLE"
"""The server could not store the event (Kafka did not acknowledge) after every retry."""


class PitError(Exception):
    """A request to the ingestion API failed as a whole: no per-event outcome exists.

    ``is_transient`` says whether trying again later can help; the SDK already retried transient failures up to
    ``max_retries`` times.
    """

    def __init__(self, message: str, *, status: int = 0, code: str | None = None, is_transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        """The HTTP status, or 0 when no answer arrived (network error, timeout)."""
        self.code = code
        """The API's ``ERR_*`` code (``ERR_UNAUTHENTICATED``, ``ERR_RATE_LIMITED``, ...), when it sent one."""
        self.is_transient = is_transient
        """Whether trying again later can help (408, 429, 5xx, network errors)."""

    def __repr__(self) -> str:
        return f"PitError({self.message!r}, status={self.status}, code={self.code!r}, is_transient={self.is_transient})"


class PitClientClosedError(PitError):
    """The client was closed; it takes no more events."""

    def __init__(self) -> None:
        super().__init__("the client is closed", code=ERR_NOT_DELIVERED)
