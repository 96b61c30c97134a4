"""The validator refuses exactly what the server refuses: every case of sdk/conformance/event-validation.json, with
the same codes, pointers and messages in the same order; and the schema shipped in the package is docs/'s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pit_sdk
from pit_sdk import EventSchemaValidator, embedded_validator

REPO = Path(__file__).resolve().parents[3]
CORPUS = json.loads((REPO / "sdk/conformance/event-validation.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = CORPUS["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['name']}" for i, c in enumerate(CASES)])
def test_the_sdk_refuses_exactly_what_the_server_refuses(case: dict[str, Any]) -> None:
    event = json.loads(case["json"])

    errors = embedded_validator().validate(event, CORPUS["pointer_prefix"])

    assert [{"code": e.code, "pointer": e.pointer, "message": e.message} for e in errors] == case["errors"]


def test_the_corpus_covers_valid_events_unknown_types_and_unpaired_surrogates() -> None:
    codes = {e["code"] for c in CASES for e in c["errors"]}
    assert len(CASES) > 500
    assert any(not c["errors"] for c in CASES)
    assert codes == {"ERR_VALIDATION", "ERR_UNKNOWN_EVENT_TYPE"}
    assert any("surrogate" in e["message"] for c in CASES for e in c["errors"])


def test_the_packaged_schema_is_docs_event_schema_byte_for_byte() -> None:
    packaged = Path(pit_sdk.__file__).with_name("event_schema.json").read_bytes()
    assert packaged == (REPO / "docs/EVENT_SCHEMA.json").read_bytes()


def test_a_schema_keyword_the_validator_does_not_implement_fails_compilation() -> None:
    with pytest.raises(NotImplementedError, match="uniqueItems"):
        EventSchemaValidator({"type": "array", "uniqueItems": True})


def test_the_public_validate_takes_a_pointer_prefix() -> None:
    errors = pit_sdk.validate({"type": "runtime.llm_call", "series": "a", "payload": {}}, "/data/3")
    assert [e.pointer for e in errors] == [
        "/data/3/payload/model",
        "/data/3/payload/input_tokens",
        "/data/3/payload/output_tokens",
    ]


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['name']}" for i, c in enumerate(CASES)])
def test_the_senders_fast_path_judges_every_case_like_the_full_validator(case: dict[str, Any]) -> None:
    event = json.loads(case["json"])
    try:
        json.dumps(event, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        assert case["errors"], "an event that is not UTF-8 JSON is never valid"
        return  # the sender validates such an event with the full validator only

    errors = embedded_validator().validate_storable(event, CORPUS["pointer_prefix"])

    assert [{"code": e.code, "pointer": e.pointer, "message": e.message} for e in errors] == case["errors"]
