"""Stored JSON columns read with orjson, and with the standard library where orjson refuses."""

from __future__ import annotations

import json
import math

import pytest

from bodycam_guard.adapters.db.engine import read_json


@pytest.mark.parametrize(
    "text",
    [
        '{"file": "media/0001.mp4", "file_seq": 1, "start": "2026-03-02T06:00:00Z"}',
        '{"nested": {"list": [1, 2.5, null, true, "\\u00e9"]}}',
        "[]",
    ],
)
def test_stored_json_reads_as_the_standard_library_reads_it(text: str) -> None:
    assert read_json(text) == json.loads(text)
    assert read_json(text.encode()) == json.loads(text)


def test_values_orjson_refuses_still_read() -> None:
    huge = 2**70  # an unknown field of a device log, kept as evidence
    assert read_json(json.dumps({"counter": huge})) == {"counter": huge}
    assert math.isnan(read_json('{"level": NaN}')["level"])
