"""PIT Platform's Python SDK: send events to the ingestion API (``POST /v1/events``).

>>> from pit_sdk import PitClient, TradeFill
>>> with PitClient("http://127.0.0.1:7071", api_key) as client:  # doctest: +SKIP
...     client.track(TradeFill("alpha", "0001", "ACME", "buy", 100, 12_500_000, "USD"))
"""

import logging

from ._async_client import AsyncPitClient
from ._client import PitClient
from ._options import OverflowPolicy, PitClientOptions
from ._schema import EventSchemaValidator, embedded_validator
from ._version import API_VERSION, SDK_VERSION
from .errors import (
    ERR_NOT_DELIVERED,
    ERR_SDK_UNSUPPORTED,
    ERR_UNAVAILABLE,
    ERR_UNKNOWN_EVENT_TYPE,
    ERR_VALIDATION,
    PitClientClosedError,
    PitError,
)
from .events import Event, EventDict, LlmCall, TradeFill
from .results import EventError, EventResult, EventStatus, PitCounters, RejectedEvent, SendResult

__version__ = SDK_VERSION

# A library leaves handlers to the application: without this, Python's last-resort handler would print warnings.
logging.getLogger("pit_sdk").addHandler(logging.NullHandler())


def validate(event: object, pointer: str = "") -> list[EventError]:
    """Every way ``event`` (a dict as ``json.loads`` makes it) breaks EVENT_SCHEMA.json, with the server's codes,
    messages and JSON pointers under ``pointer``; empty when it is valid."""
    return embedded_validator().validate(event, pointer)


__all__ = [
    "API_VERSION",
    "ERR_NOT_DELIVERED",
    "ERR_SDK_UNSUPPORTED",
    "ERR_UNAVAILABLE",
    "ERR_UNKNOWN_EVENT_TYPE",
    "ERR_VALIDATION",
    "SDK_VERSION",
    "AsyncPitClient",
    "Event",
    "EventDict",
    "EventError",
    "EventResult",
    "EventSchemaValidator",
    "EventStatus",
    "LlmCall",
    "OverflowPolicy",
    "PitClient",
    "PitClientClosedError",
    "PitClientOptions",
    "PitCounters",
    "PitError",
    "RejectedEvent",
    "SendResult",
    "TradeFill",
    "__version__",
    "embedded_validator",
    "validate",
]
