"""Options fail fast naming the option; events: UUIDv7 ids, integer money, the typed helpers' JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from pit_sdk import LlmCall, PitClient, PitClientOptions, TradeFill, validate
from pit_sdk._uuid7 import uuid7

KEY = "pit_abcdefgh_" + "k" * 32


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_queue_size", 0),
        ("max_batch_events", 1001),
        ("max_batch_bytes", 10),
        ("max_concurrent_sends", 0),
        ("max_retries", -1),
        ("flush_interval", 0),
        ("retry_delay", 0),
        ("network_timeout", 0),
        ("close_timeout", -1),
        ("overflow_policy", "block"),
    ],
)
def test_a_bad_option_fails_fast_naming_it(name: str, value: Any) -> None:
    options: dict[str, Any] = {name: value}
    with pytest.raises(ValueError, match=f"PitClientOptions.{name} must be"):
        PitClient("http://127.0.0.1:9", KEY, **options)


def test_an_unknown_option_fails_naming_it() -> None:
    with pytest.raises(TypeError, match="'max_batch_size'"):
        PitClient("http://127.0.0.1:9", KEY, max_batch_size=10)


def test_a_missing_key_or_a_url_without_host_fails_and_the_key_is_never_shown() -> None:
    with pytest.raises(ValueError, match="api_key"):
        PitClient("http://127.0.0.1:9", " ")
    with pytest.raises(ValueError, match="base_url") as raised:
        PitClient("127.0.0.1:9", KEY)
    assert KEY not in str(raised.value)
    with PitClient("http://user:secret@127.0.0.1:9/base/", KEY, close_timeout=0) as client:
        assert "secret" not in repr(client) and KEY not in repr(client)
        assert repr(client) == "PitClient('http://127.0.0.1:9/base/v1/events')"


def test_options_combine_an_options_object_and_keywords() -> None:
    base = PitClientOptions(max_batch_events=100, gzip=False)
    with PitClient("http://127.0.0.1:9", KEY, base, max_batch_events=200, close_timeout=0) as client:
        assert (client.options.max_batch_events, client.options.gzip) == (200, False)


def test_event_ids_are_uuid7_and_sort_by_creation_time() -> None:
    ids = [uuid7() for _ in range(1000)]
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert len(set(ids)) == 1000
    assert [i[:13] for i in ids] == sorted(i[:13] for i in ids)  # the millisecond prefix never goes back


def test_money_is_integer_micros_never_a_float() -> None:
    with pytest.raises(TypeError, match="price_micros must be an int"):
        TradeFill("alpha", "0001", "ACME", "buy", 1, 12.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cost_micros must be an int"):
        LlmCall("assistant", "m", 1, 1, cost_micros=0.31)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="quantity must be an int"):
        TradeFill("alpha", "0001", "ACME", "buy", True, 1, "USD")


def test_the_typed_helpers_write_valid_events_and_keep_their_event_id() -> None:
    ts = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    fill = TradeFill("alpha", "0001", "ACME", "sell", 40, 13_000_000, "USD", fee_micros=1, fill_id="F-1", ts=ts)
    event = fill.to_event()
    assert event["ts"] == "2026-11-22T08:30:00.000000Z"
    assert event["event_id"] == fill.event_id == fill.to_event()["event_id"]
    assert event["payload"] == {
        "instrument": "ACME",
        "side": "sell",
        "quantity": 40,
        "price_micros": 13_000_000,
        "currency": "USD",
        "fee_micros": 1,
        "fill_id": "F-1",
    }
    assert validate(event) == []
    call = LlmCall("assistant", "gpt-4.1", 12, 9, prompt="p", cost_micros=310, currency="USD", flagged=False)
    assert validate(call.to_event()) == []
    assert "cell" not in call.to_event()


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TradeFill("alpha", "0001", "ACME", "buy", 1, 1, "USD", ts=dt.datetime(2026, 1, 1)).to_event()
