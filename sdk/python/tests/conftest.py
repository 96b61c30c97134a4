"""Fixtures: the real local host (PIT_URL, PIT_API_KEY) for the integration tests, and fast client options."""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

# Short delays for tests; generous timeouts, the test machine is shared and sometimes heavily loaded.
FAST: dict[str, Any] = {
    "flush_interval": 0.05,
    "retry_delay": 0.02,
    "max_retry_delay": 0.5,
    "network_timeout": 30.0,
    "close_timeout": 20.0,
}


@dataclass(frozen=True)
class Host:
    url: str
    api_key: str

    def get_json(self, path: str) -> Any:
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {self.api_key}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def host() -> Host:
    url, key = os.environ.get("PIT_URL"), os.environ.get("PIT_API_KEY")
    if not url or not key:
        if os.environ.get("PIT_SDK_TESTS_REQUIRE_HOST") == "1":
            pytest.fail("PIT_SDK_TESTS_REQUIRE_HOST=1 but PIT_URL or PIT_API_KEY is not set")
        pytest.skip("PIT_URL is not set: the integration tests need a running local host (./pit up)")
    return Host(url.rstrip("/"), key)


@pytest.fixture
def series() -> str:
    """A series of its own per test (a key segment starts with a letter or digit)."""
    return "py" + uuid.uuid4().hex[:12]


def eventually(probe: Callable[[], Any], until: Callable[[Any], bool], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if until(last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s; last seen {last!r}")
