"""Events: a dict shaped like one item of ``POST /v1/events``, or the typed helpers ``TradeFill`` and ``LlmCall``.

Money is always integer micros (1 unit = 1,000,000 micros) with an ISO 4217 currency, never a float.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from ._uuid7 import uuid7

__all__ = ["Event", "EventDict", "LlmCall", "TradeFill", "format_ts", "to_event_dict"]

EventDict = Mapping[str, Any]
"""``{"type", "series", "cell", "payload", "event_id"?, "ts"?, "tenant"?}``, as one item of ``POST /v1/events``."""


def format_ts(ts: _dt.datetime | str) -> str:
    """An aware datetime as RFC 3339 in UTC with microseconds (``2026-11-22T09:30:00.000000Z``); text as given."""
    if isinstance(ts, str):
        return ts
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError("ts must be a timezone-aware datetime (for example datetime.now(timezone.utc))")
    return ts.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _require_int(name: str, value: Any, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        # Money and counts are integers: a float would lose precision silently.
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")


@dataclass(slots=True)
class TradeFill:
    """A fill of an order in one cell (``exec.trade_fill``). Prices and fees are int micros of ``currency``."""

    series: str
    cell: str
    instrument: str
    side: Literal["buy", "sell"]
    quantity: int
    price_micros: int
    currency: str
    fee_micros: int = 0
    fill_id: str | None = None
    ts: _dt.datetime | str | None = None
    """Event time; None lets the server use its receive time."""
    tenant: str | None = None
    """None means the API key's tenant (another tenant is refused)."""
    event_id: str = field(default_factory=uuid7)
    """The dedupe key: a UUIDv7 made now and kept across every retry."""

    def __post_init__(self) -> None:
        _require_int("quantity", self.quantity)
        _require_int("price_micros", self.price_micros)
        _require_int("fee_micros", self.fee_micros)

    def to_event(self) -> dict[str, Any]:
        """The event as the ingest API takes it."""
        payload: dict[str, Any] = {
            "instrument": self.instrument,
            "side": self.side,
            "quantity": self.quantity,
            "price_micros": self.price_micros,
            "currency": self.currency,
            "fee_micros": self.fee_micros,
        }
        if self.fill_id is not None:
            payload["fill_id"] = self.fill_id
        return _envelope("exec.trade_fill", self.event_id, self.ts, self.tenant, self.series, self.cell, payload)


@dataclass(slots=True)
class LlmCall:
    """One call to a language model (``runtime.llm_call``). Prompt and response are redacted server-side."""

    series: str
    model: str
    input_tokens: int
    output_tokens: int
    cell: str | None = None
    prompt: str | None = None
    response: str | None = None
    cost_micros: int | None = None
    currency: str | None = None
    latency_ms: int | None = None
    run_id: str | None = None
    user_id: str | None = None
    flagged: bool | None = None
    ts: _dt.datetime | str | None = None
    tenant: str | None = None
    event_id: str = field(default_factory=uuid7)

    def __post_init__(self) -> None:
        _require_int("input_tokens", self.input_tokens)
        _require_int("output_tokens", self.output_tokens)
        _require_int("cost_micros", self.cost_micros, optional=True)
        _require_int("latency_ms", self.latency_ms, optional=True)

    def to_event(self) -> dict[str, Any]:
        """The event as the ingest API takes it."""
        payload: dict[str, Any] = {"model": self.model}
        if self.prompt is not None:
            payload["prompt"] = self.prompt
        if self.response is not None:
            payload["response"] = self.response
        payload["input_tokens"] = self.input_tokens
        payload["output_tokens"] = self.output_tokens
        for name in ("cost_micros", "currency", "latency_ms", "run_id", "user_id", "flagged"):
            value = getattr(self, name)
            if value is not None:
                payload[name] = value
        return _envelope("runtime.llm_call", self.event_id, self.ts, self.tenant, self.series, self.cell, payload)


Event = Union[EventDict, TradeFill, LlmCall]
"""What ``track`` and ``send`` take."""


def _envelope(
    type_name: str,
    event_id: str,
    ts: _dt.datetime | str | None,
    tenant: str | None,
    series: str,
    cell: str | None,
    payload: dict[str, Any],
) -> dict[str, Any]:
    event: dict[str, Any] = {"type": type_name, "event_id": event_id}
    if ts is not None:
        event["ts"] = format_ts(ts)
    if tenant is not None:
        event["tenant"] = tenant
    event["series"] = series
    if cell is not None:
        event["cell"] = cell
    event["payload"] = payload
    return event


def to_event_dict(event: Any) -> Any:
    """The event as a dict with an ``event_id`` (a UUIDv7 is added to a copy when it has none).

    Anything else (not a mapping) is returned as is, for validation to refuse.
    """
    if isinstance(event, (TradeFill, LlmCall)):
        return event.to_event()
    if isinstance(event, dict):
        ts = event.get("ts")
        if "event_id" in event and not isinstance(ts, _dt.datetime):
            return event
        # A copy: the caller's dict is left alone, and the id is fixed here, before the first attempt.
        copy = dict(event)
        if "event_id" not in copy:
            copy["event_id"] = uuid7()
        if isinstance(ts, _dt.datetime) and ts.tzinfo is not None:
            copy["ts"] = format_ts(ts)  # a naive datetime stays, for validation to refuse as "must be a string"
        return copy
    if isinstance(event, Mapping):
        return to_event_dict(dict(event))
    return event
