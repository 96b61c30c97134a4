"""Prefer: return=minimal: tracked batches take a 202 of the counts alone; send() and every other answer are read per
event."""

from __future__ import annotations

from typing import Any

from conftest import FAST
from scripted_server import Answer, ScriptedServer, Seen, accept_all, minimal_body

from pit_sdk import EventStatus, PitClient, RejectedEvent, TradeFill

KEY = "pit_abcdefgh_" + "k" * 32
ONE_BATCH: dict[str, Any] = {**FAST, "flush_interval": 5.0}  # flush() sends what was tracked as one batch


def fill(quantity: int = 1) -> TradeFill:
    return TradeFill("alpha", "0001", "ACME", "buy", quantity, 12_500_000, "USD")


def test_tracked_batches_ask_for_the_minimal_answer_and_count_every_event_delivered() -> None:
    rejected: list[RejectedEvent] = []
    with ScriptedServer(accept_all) as api:
        with PitClient(api.address, KEY, max_batch_events=4, on_rejected=rejected.append, **FAST) as client:
            for i in range(10):
                client.track(fill(1 + i))
            assert client.flush(10)
            counters = client.counters
    assert [s.headers.get("Prefer") for s in api.seen] == ["return=minimal"] * len(api.seen)
    assert sum(len(s.events) for s in api.seen) == 10
    assert (counters.delivered, counters.rejected, counters.retries) == (10, 0, 0)
    assert rejected == []


def test_send_still_receives_a_result_per_event() -> None:
    with ScriptedServer(accept_all) as api, PitClient(api.address, KEY, **FAST) as client:
        result = client.send([fill(1), fill(2)])
    assert "Prefer" not in api.seen[0].headers
    assert [(r.event_id, r.status) for r in result] == [(i, EventStatus.ACCEPTED) for i in api.seen[0].event_ids]


def test_send_resends_a_202_of_the_counts_alone_which_it_did_not_ask_for() -> None:
    def script(seen: Seen) -> Answer:
        return Answer(202, minimal_body(len(seen.events))) if seen.n == 0 else accept_all(seen)

    with ScriptedServer(script) as api, PitClient(api.address, KEY, **FAST) as client:
        result = client.send([fill()])
    assert len(api.seen) == 2
    assert result[0].status is EventStatus.ACCEPTED


def test_a_202_minimal_body_whose_count_differs_from_the_batch_is_resent() -> None:
    def script(seen: Seen) -> Answer:
        return Answer(202, minimal_body(len(seen.events) - 1)) if seen.n == 0 else accept_all(seen)

    with ScriptedServer(script) as api:
        with PitClient(api.address, KEY, **ONE_BATCH) as client:
            for i in range(3):
                client.track(fill(1 + i))
            assert client.flush(10)
            counters = client.counters
    assert len(api.seen) == 2
    assert api.seen[1].event_ids == api.seen[0].event_ids
    assert (counters.delivered, counters.rejected, counters.retries) == (3, 0, 1)


def test_a_207_under_return_minimal_still_reports_each_rejected_event() -> None:
    def script(seen: Seen) -> Answer:
        data: list[dict[str, object]] = [{"event_id": i, "status": "accepted"} for i in seen.event_ids]
        data[1] = {
            "event_id": seen.event_ids[1],
            "status": "rejected",
            "error": {"code": "ERR_UNKNOWN_CELL", "message": "no such cell", "details": {"pointer": "/data/1/cell"}},
        }
        return Answer(207, {"data": data, "meta": {"accepted": 2, "rejected": 1, "request_id": "req-test"}})

    rejected: list[RejectedEvent] = []
    with ScriptedServer(script) as api:
        with PitClient(api.address, KEY, on_rejected=rejected.append, **ONE_BATCH) as client:
            for i in range(3):
                client.track(fill(1 + i))
            assert client.flush(10)
            counters = client.counters
    assert api.seen[0].headers.get("Prefer") == "return=minimal"
    assert [(r.event["event_id"], r.error.code, r.error.pointer) for r in rejected] == [
        (api.seen[0].event_ids[1], "ERR_UNKNOWN_CELL", "/cell")
    ]
    assert (counters.delivered, counters.rejected) == (2, 1)


def test_events_resent_after_err_unavailable_and_answered_with_the_counts_alone_count_as_delivered() -> None:
    def script(seen: Seen) -> Answer:
        if seen.n > 0:
            return accept_all(seen)
        unavailable = {"code": "ERR_UNAVAILABLE", "message": "Kafka did not acknowledge"}
        data = [
            {"event_id": seen.event_ids[0], "status": "accepted"},
            {"event_id": seen.event_ids[1], "status": "rejected", "error": unavailable},
        ]
        return Answer(207, {"data": data})

    with ScriptedServer(script) as api:
        with PitClient(api.address, KEY, **ONE_BATCH) as client:
            client.track(fill(1))
            client.track(fill(2))
            assert client.flush(10)
            counters = client.counters
    assert len(api.seen) == 2
    assert api.seen[1].event_ids == [api.seen[0].event_ids[1]]
    assert api.seen[1].headers.get("Prefer") == "return=minimal"
    assert (counters.delivered, counters.rejected, counters.retries) == (2, 0, 1)
